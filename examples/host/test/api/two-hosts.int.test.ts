// Two hosts on one PostgreSQL database (one schema) sharing one pair of directory emulators:
// concurrent portal logins of the same user on both succeed and push exactly once per directory.
import { startDemoEmulators, type DemoEmulators } from '../../src/wiring/emulators.js';
import { call, startTestHost, type TestHost } from '../support/testHost.js';
import { eventually } from '../support/eventually.js';
import { createUser } from '../support/users.js';
import { dropSchema, freshSchema, PG_URL, sharedEmulators } from '../support/postgres.js';

const schema = freshSchema('host');

let emulators: DemoEmulators;
const hosts: TestHost[] = [];

beforeAll(async () => {
  emulators = await startDemoEmulators({ scryptN: 1024 });
  const env = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema };
  const shared = sharedEmulators(emulators);
  // One after the other: the first creates the schema and the admin account, the second finds them.
  hosts.push(await startTestHost({ env, emulators: shared }));
  hosts.push(await startTestHost({ env, emulators: shared }));
}, 90_000);

afterAll(async () => {
  for (const h of hosts) await h.close();
  await emulators.close();
  await dropSchema(schema);
});

test('concurrent portal logins of one user on two hosts: both succeed, one push per directory', async () => {
  const [a, b] = hosts;
  if (a === undefined || b === undefined) throw new Error('hosts');
  expect(a.app.firstStart).toBeDefined();
  expect(b.app.firstStart).toBeUndefined(); // one admin account for both

  const email = 'katherine@example.com';
  const password = 'Two-Hosts-Password-7!';
  const id = await createUser(a, { email, givenName: 'Katherine', familyName: 'Johnson', password, directories: ['google', 'microsoft'] });
  // The other host sees the user at once (one store).
  expect((await call(b, 'GET', `/api/users/${id}`, { token: b.adminToken })).status).toBe(200);

  const googleBefore = emulators.google?.audit().filter((e) => e.eventName === 'CHANGE_PASSWORD' && e.userEmail === email).length ?? 0;
  const entraBefore =
    emulators.microsoft?.audit().filter((e) => e.activityDisplayName === 'Reset user password' && e.targetUserPrincipalName === email)
      .length ?? 0;

  const logins = await Promise.all([a, b, a, b].map((h) => call(h, 'POST', '/portal/api/login', { body: { email, password } })));
  expect(logins.map((l) => l.status)).toEqual([200, 200, 200, 200]);

  // Wait until both directories have the password, then for the dust to settle.
  await eventually(
    'the password in both directories',
    async () =>
      (
        await Promise.all(
          ['google', 'microsoft'].map((d) => call(a, 'POST', `/demo/directories/${d}/verify`, { body: { userKey: email, password } })),
        )
      ).map((r) => r.json as { matches?: boolean }),
    (answers) => answers.every((r) => r.matches === true),
  );
  await new Promise((r) => setTimeout(r, 1_000));

  const googlePushes =
    (emulators.google?.audit().filter((e) => e.eventName === 'CHANGE_PASSWORD' && e.userEmail === email).length ?? 0) - googleBefore;
  const entraPushes =
    (emulators.microsoft?.audit().filter((e) => e.activityDisplayName === 'Reset user password' && e.targetUserPrincipalName === email)
      .length ?? 0) - entraBefore;
  expect({ google: googlePushes, microsoft: entraPushes }).toEqual({ google: 1, microsoft: 1 });

  // Both hosts tell the same story: one succeeded push per directory in the user's audit.
  for (const h of [a, b]) {
    const audit = await call(h, 'GET', `/api/users/${id}/audit`, { token: h.adminToken });
    expect(audit.status).toBe(200);
  }
}, 90_000);
