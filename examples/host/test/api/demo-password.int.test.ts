// POST /demo/directories/:id/users/:userKey/password: the user changes their password in the
// emulated directory itself, outside the portal (R16). Bad input is a 400 naming the field and
// changes nothing; parallel duplicates come to one outcome; and the next portal login sets the
// portal password back there (detected at the login).
import { call, startTestHost, type TestHost } from '../support/testHost.js';
import { adminApi } from '../support/admin.js';
import { eventually } from '../support/eventually.js';
import { createUser } from '../support/users.js';

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost();
}, 60_000);
afterAll(async () => {
  await host.close();
});

const PASSWORD = 'Portal-Password-9-Correct!';
const errorOf = (json: unknown) => (json as { error: { kind: string; field?: string; reason: string } }).error;
const admin = adminApi(() => host);
const change = (directory: string, userKey: string, body: unknown) =>
  call(host, 'POST', `/demo/directories/${directory}/users/${encodeURIComponent(userKey)}/password`, { body });
const matches = async (directory: string, userKey: string, password: string): Promise<boolean> =>
  ((await call(host, 'POST', `/demo/directories/${directory}/verify`, { body: { userKey, password } })).json as { matches: boolean })
    .matches;

test('bad input: 400 naming the field, and nothing changes; unknown user or directory: 404', async () => {
  const email = 'grace@example.com'; // seeded in both demo directories
  for (const body of [{}, { password: 42 }, { password: '' }]) {
    const r = await change('microsoft', email, body);
    expect(r.status).toBe(400);
    expect(errorOf(r.json).field).toBe('password');
  }
  const weak = await change('microsoft', email, { password: 'short' });
  expect(weak.status).toBe(400);
  expect(errorOf(weak.json)).toMatchObject({ field: 'password' });
  expect(JSON.stringify(weak.json)).not.toContain('short"');
  expect((await change('microsoft', 'nobody@example.com', { password: 'Outside-Pass-123!' })).status).toBe(404);
  expect((await change('nowhere', email, { password: 'Outside-Pass-123!' })).status).toBe(404);
  expect(await matches('microsoft', email, 'Outside-Pass-123!')).toBe(false); // nothing changed
}, 60_000);

test('changed in Microsoft 365 outside the portal (parallel duplicates: one outcome), then set back at the next portal login', async () => {
  const ada = { email: 'outside-change@example.com', password: PASSWORD };
  await createUser(host, { ...ada, givenName: 'Ada', familyName: 'Outside', directories: ['microsoft'] });
  expect((await call(host, 'POST', '/portal/api/login', { body: ada })).status).toBe(200);
  await eventually('Microsoft 365 to take the portal password', () => matches('microsoft', ada.email, PASSWORD));
  const outside = 'Changed-In-Outlook-77!';
  const answers = await Promise.all([1, 2, 3].map(() => change('microsoft', ada.email, { password: outside })));
  expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
  expect(await matches('microsoft', ada.email, outside)).toBe(true);
  expect((await call(host, 'POST', '/portal/api/login', { body: ada })).status).toBe(200);
  await eventually('the portal password set back in Microsoft 365', () => matches('microsoft', ada.email, PASSWORD));
  // Counted per directory on /metrics (a label of directory and source, never the user).
  const counted = async () => {
    const metrics = (await call(host, 'GET', '/metrics')).text;
    const rollout = (await admin('GET', '/api/rollout')).json as { directories: Array<{ id: string; externalChanges: number }> };
    return {
      metric: /takeover_external_password_changes_total\{directory="microsoft",source="login-check"\} (\d+)/.exec(metrics)?.[1],
      sweep: /takeover_external_password_changes_total\{directory="microsoft",source="sweep"\} (\d+)/.exec(metrics)?.[1],
      overview: Object.fromEntries(rollout.directories.map((d) => [d.id, d.externalChanges])),
    };
  };
  const once = { metric: '1', sweep: '0', overview: { google: 0, microsoft: 1 } };
  expect(await counted()).toEqual(once);
  // Counted from the read model, not by the process that saw it: a restart reports the same figures.
  const dataDir = host.dataDir;
  await host.close({ keepDataDir: true });
  host = await startTestHost({ env: { DATA_DIR: dataDir } });
  expect(await counted()).toEqual(once);
}, 120_000);
