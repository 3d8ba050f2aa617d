// createHostApp on PostgreSQL (events and host tables in one schema), two instances sharing the demo
// emulators: a user created on one logs in on the other, concurrent logins push once per directory.
import { rm } from 'node:fs/promises';
import { Secret } from '@takeover/core';
import type { DirectoryId } from '@takeover/core';
import type { DemoEmulators } from '../../src/index.js';
import { startDemoEmulators } from '../../src/index.js';
import type { AppUnderTest } from './harness.js';
import { eventually } from '../support/eventually.js';
import { right, startApp, tempDir } from './harness.js';
import { dropSchema, freshSchema, PG_URL, sharedEmulators } from '../support/postgres.js';

jest.setTimeout(60_000);

const schema = freshSchema('host_app');
const PW = 'Katherine-Orbit-1962!';
let emulators: DemoEmulators;
const hosts: AppUnderTest[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  emulators = await startDemoEmulators({ scryptN: 1024 });
  for (let i = 0; i < 2; i++) {
    const dir = await tempDir('host-pg-');
    dirs.push(dir);
    hosts.push(
      await startApp(
        dir,
        { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema },
        {
          emulators: sharedEmulators(emulators),
        },
      ),
    );
  }
});
afterAll(async () => {
  for (const h of hosts) await h.app.close(5_000);
  await emulators.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  await dropSchema(schema);
});

test('one admin, one cookie secret, one credential store for both instances; one push per directory', async () => {
  const [a, b] = hosts.map((h) => h.app);
  if (a === undefined || b === undefined) throw new Error('two hosts expected');
  expect(a.firstStart).toBeDefined();
  expect(b.firstStart).toBeUndefined();
  expect(b.settings.cookieSecret).toBe(a.settings.cookieSecret);
  const adminPassword = a.firstStart?.adminPassword ?? Secret.of('');
  right(await b.admin.login('admin@example.com', adminPassword, '127.0.0.1'));

  const by = { kind: 'admin' as const, id: 'admin@example.com' };
  const id = right(
    await a.admin.createUser(by, {
      email: 'katherine@example.com',
      givenName: 'Katherine',
      familyName: 'Johnson',
      state: 'active',
      password: Secret.of(PW),
      directories: ['google', 'microsoft'] as DirectoryId[],
    }),
  ).id;
  const [l1, l2] = await Promise.all([
    a.portal.login('katherine@example.com', Secret.of(PW), '127.0.0.1'),
    b.portal.login('katherine@example.com', Secret.of(PW), '127.0.0.1'),
  ]);
  right(l1);
  const session = right(l2).sessionToken;
  expect((await a.portal.session(session))?.userId).toBe(id);

  const view = await eventually(
    'both directories in sync',
    async () => {
      const v = right(await b.admin.getUser(id));
      return v;
    },
    (v) => v.bindings.every((x) => x.state === 'in-sync'),
  );
  expect(view.bindings).toHaveLength(2);
  const pushes = right(await a.admin.audit(id)).pushes;
  expect(pushes.map((p) => p.push.directoryId).sort()).toEqual(['google', 'microsoft']);
  expect(await emulators.google?.passwordMatches('katherine@example.com', PW)).toBe(true);
  expect(await emulators.microsoft?.passwordMatches('katherine@example.com', PW)).toBe(true);
  for (const h of hosts) expect((await h.app.ready()).ready).toBe(true);

  // An email change moves the credential: the new address logs in (on either instance), the old one no longer does.
  right(await a.admin.changeAttributes(by, id, { email: 'Kath@Example.com' }));
  expect(right(await b.admin.getUser(id)).email).toBe('kath@example.com');
  right(await b.portal.login('kath@example.com', Secret.of(PW), '127.0.0.1'));
  expect(await a.portal.login('katherine@example.com', Secret.of(PW), '127.0.0.1')).toEqual({
    _tag: 'Left',
    left: { kind: 'unauthorized' },
  });
});

test('a start times each step (startupMs, logged by main.ts): the emulators start while the databases open', () => {
  for (const h of hosts) {
    expect(Object.keys(h.app.startupMs).sort()).toEqual(
      ['catchUp', 'emulators', 'engine', 'eventStore', 'hostDb', 'readModels', 'reconcile', 'services'].sort(),
    );
    for (const ms of Object.values(h.app.startupMs)) expect(ms).toBeGreaterThanOrEqual(0);
  }
});
