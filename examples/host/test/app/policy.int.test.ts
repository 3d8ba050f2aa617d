// The push policy through HostApp: under `every-push` an attribute change is pushed with the
// password at the next login (Microsoft 365 treats it as a reset: sessions end); under
// `when-changed` it goes at once, without the password, and the sessions stay.
import { rm } from 'node:fs/promises';
import { Secret } from '@takeover/core';
import type { DirectoryId, UserId } from '@takeover/core';
import type { DemoEmulators, HostApp } from '../../src/index.js';
import { startDemoEmulators } from '../../src/index.js';
import { eventually } from '../support/eventually.js';
import { right, startApp, tempDir } from './harness.js';

jest.setTimeout(60_000);

const PW = 'Alan-Enigma-1912!';
const by = { kind: 'admin' as const, id: 'test' };
let dir: string;
let emulators: DemoEmulators;
let app: HostApp;
let alan: UserId;

const entraUser = () => {
  const u = emulators.microsoft?.user('alan@example.com');
  if (u === undefined) throw new Error('alan is not in the Entra emulator');
  return u;
};
const inSync = async () =>
  eventually(
    'in sync',
    async () => right(await app.admin.getUser(alan)).bindings,
    (bindings) => bindings.every((b) => b.state === 'in-sync'),
  );

beforeAll(async () => {
  dir = await tempDir('host-policy-');
  emulators = await startDemoEmulators({ scryptN: 1024 });
  app = (
    await startApp(
      dir,
      {},
      {
        emulators: {
          ...(emulators.google === undefined ? {} : { google: emulators.google }),
          ...(emulators.microsoft === undefined ? {} : { microsoft: emulators.microsoft }),
        },
      },
    )
  ).app;
  alan = right(
    await app.admin.createUser(by, {
      email: 'alan@example.com',
      givenName: 'Alan',
      familyName: 'Turing',
      state: 'active',
      password: Secret.of(PW),
      directories: ['microsoft'] as DirectoryId[],
    }),
  ).id;
  right(await app.portal.login('alan@example.com', Secret.of(PW), '127.0.0.1'));
  await inSync();
});
afterAll(async () => {
  await app.close(5_000);
  await emulators.close();
  await rm(dir, { recursive: true, force: true });
});

test('every-push: the change waits for the login, then goes with the password and ends the sessions', async () => {
  const before = entraUser().revocationCount;
  right(await app.admin.changeAttributes(by, alan, { jobTitle: 'Cryptanalyst' }));
  expect(right(await app.admin.getUser(alan)).bindings[0]?.state).toBe('awaiting-login');
  expect(entraUser().properties['jobTitle']).toBeUndefined();
  right(await app.portal.login('alan@example.com', Secret.of(PW), '127.0.0.1'));
  await inSync();
  expect(entraUser().properties['jobTitle']).toBe('Cryptanalyst');
  expect(entraUser().revocationCount).toBeGreaterThan(before);
});

test('when-changed: the change goes at once without the password; the sessions stay', async () => {
  const view = right(await app.admin.changeDirectoryPolicy(by, 'microsoft', { passwordPush: 'when-changed' }));
  expect(view.policy.passwordPush).toBe('when-changed');
  const before = entraUser().revocationCount;
  right(await app.admin.changeAttributes(by, alan, { jobTitle: 'Mathematician' }));
  await eventually('the attribute pushed without a login', () =>
    entraUser().properties['jobTitle'] === 'Mathematician' ? true : undefined,
  );
  await inSync();
  expect(entraUser().revocationCount).toBe(before);
  const why = right(await app.admin.audit(alan)).pushes[0];
  expect(why?.push.carriesPassword).toBe(false);
  expect(why?.causes.map((c) => c.detail)).toContain('jobTitle');
});

test("the user view shows an account action owed until it is done, with the failed attempt's reason while it is retried", async () => {
  const microsoft = emulators.microsoft;
  if (microsoft === undefined) throw new Error('no Entra emulator');
  const account = entraUser();
  // Every request to the account fails for now (Graph's 503): the suspension is owed and retried.
  microsoft.injectFault({ path: `/v1.0/users/${account.id}`, method: 'PATCH', status: 503, reason: 'serviceNotAvailable', times: 1_000 });
  right(await app.admin.setState(by, alan, 'suspended'));
  const failing = await eventually(
    'the suspension failed once and is owed',
    async () => right(await app.admin.getUser(alan)).bindings[0]?.accountAction,
    (a) => a?.lastFailure !== undefined,
  );
  expect(failing).toMatchObject({ action: 'suspend', reason: 'user-suspended', lastFailure: { class: 'retryable' } });
  expect(entraUser().properties['accountEnabled']).toBe(true);
  // The directory answers again: the retry suspends the account and nothing is owed any more.
  microsoft.clearFaults();
  await eventually(
    'the account suspended',
    async () => right(await app.admin.getUser(alan)).bindings[0],
    (b) => b?.accountAction === undefined && entraUser().properties['accountEnabled'] === false,
  );
  right(await app.admin.setState(by, alan, 'active'));
  await eventually(
    'the account restored',
    async () => right(await app.admin.getUser(alan)).bindings[0],
    (b) => b?.accountAction === undefined && entraUser().properties['accountEnabled'] === true,
  );
});
