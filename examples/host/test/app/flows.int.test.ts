// The product's flows through HostApp on a temporary DATA_DIR (SQLite, both demo emulators, the
// outbox): an active user bound to both directories, a staged user activated from the mail's link,
// a portal password change, a restart that keeps everything, and R14 over everything written.
import { filesUnder } from '../support/files.js';
import { describeLeak, leakScanner } from '@takeover/connector-kit/testing';
import { readFile, rm } from 'node:fs/promises';
import { Secret, reveal } from '@takeover/core';
import type { DirectoryId, UserId } from '@takeover/core';
import type { AdminPrincipal, HostApp } from '../../src/index.js';
import type { AppUnderTest } from './harness.js';
import { eventually } from '../support/eventually.js';
import { left, right, startApp, tempDir } from './harness.js';

jest.setTimeout(60_000);

const ADA_PW = 'Ada-Takeover-2024!';
const GRACE_WEAK = 'short';
const GRACE_PW = 'Grace-Activated-77#';
const ADA_NEXT = 'Ada-Changed-Again-99$';
const PASSWORDS = [ADA_PW, GRACE_WEAK, GRACE_PW, ADA_NEXT];
const BOTH = ['google', 'microsoft'] as DirectoryId[];
const ADDRESS = '203.0.113.7';

let dataDir: string;
let host: AppUnderTest;
let app: HostApp;
let by: AdminPrincipal;
let adminPassword: string;
let ada: UserId;
let grace: UserId;
const logs: string[] = [];

beforeAll(async () => {
  dataDir = await tempDir('host-flows-');
  host = await startApp(dataDir, { ADMIN_API_KEY: 'k'.repeat(40) });
  app = host.app;
});
afterAll(async () => {
  await app.close(5_000);
  await rm(dataDir, { recursive: true, force: true });
});

test('first start: the admin account with a generated password, its login and the API key', async () => {
  const first = app.firstStart;
  expect(first?.adminEmail).toBe('admin@example.com');
  if (first === undefined) throw new Error('no first start');
  adminPassword = reveal(first.adminPassword);
  expect(adminPassword.length).toBeGreaterThanOrEqual(20);
  PASSWORDS.push(adminPassword);
  expect(left(await app.admin.login('admin@example.com', Secret.of('wrong'), ADDRESS))).toEqual({ kind: 'unauthorized' });
  expect(left(await app.admin.login('nobody@example.com', Secret.of(adminPassword), ADDRESS))).toEqual({ kind: 'unauthorized' });
  const session = right(await app.admin.login('admin@example.com', first.adminPassword, ADDRESS));
  const principal = await app.admin.authenticate(session.token);
  expect(principal).toEqual({ kind: 'admin', id: 'admin@example.com' });
  by = principal ?? { kind: 'admin', id: 'admin@example.com' };
  expect(await app.admin.authenticate('k'.repeat(40))).toEqual({ kind: 'admin', id: 'the API key' });
  expect(await app.admin.authenticate('k'.repeat(39))).toBeUndefined();
  // An admin token is not a portal session.
  expect(await app.portal.session(session.token)).toBeUndefined();
  await app.admin.logout(session.token);
  expect(await app.admin.authenticate(session.token)).toBeUndefined();
  expect((await app.admin.directories()).map((d) => [d.id, d.label, d.mode])).toEqual([
    ['google', 'Google Workspace (example.com)', 'emulator'],
    ['microsoft', 'Microsoft 365 (example.com)', 'emulator'],
  ]);
  expect(app.demo?.seededUsers().map((u) => u.email)).toEqual([
    'ada@example.com',
    'grace@example.com',
    'alan@example.com',
    'katherine@example.com',
  ]);
});

test('an active user with a password bound to both: two mails, a login, pushes, both directories take the password', async () => {
  right(await app.admin.changeDirectoryPolicy(by, 'google', { revokeSessionsOnPush: true }));
  ada = right(
    await app.admin.createUser(by, {
      email: 'ada@example.com',
      givenName: 'Ada',
      familyName: 'Lovelace',
      state: 'active',
      password: Secret.of(ADA_PW),
      directories: BOTH,
    }),
  ).id;
  // A password the platform's policy refuses: rejected, and the email stays free (nothing half-written).
  expect(
    left(
      await app.admin.createUser(by, {
        email: 'alan@example.com',
        givenName: 'Alan',
        familyName: 'Turing',
        state: 'active',
        password: Secret.of(GRACE_WEAK),
      }),
    ),
  ).toMatchObject({ kind: 'rejected', code: 'PasswordRejected' });
  expect(
    left(
      await app.admin.createUser(by, {
        email: 'alan@example.com',
        givenName: 'Alan',
        familyName: 'Turing',
        state: 'active',
        directories: ['ldap' as DirectoryId],
      }),
    ),
  ).toMatchObject({ kind: 'not-found', what: 'directory' });
  expect((await app.admin.searchUsers({ q: 'alan' })).total).toBe(0);
  // The same email twice: refused, nothing written.
  expect(
    left(await app.admin.createUser(by, { email: 'ada@example.com', givenName: 'Eve', familyName: 'X', state: 'active' })),
  ).toMatchObject({ kind: 'conflict' });
  expect((await app.admin.searchUsers({ q: 'ada' })).total).toBe(1);

  const mails = await eventually(
    'two binding mails',
    async () => {
      const m = ((await app.demo?.mail()) ?? []).filter((x) => x.to === 'ada@example.com');
      return m;
    },
    (m) => m.length >= 2,
  );
  expect(mails.map((m) => m.subject).sort()).toEqual([
    'Log in to Takeover Demo to finish connecting Google Workspace (example.com)',
    'Log in to Takeover Demo to finish connecting Microsoft 365 (example.com)',
  ]);
  expect(mails[0]?.text).toContain('http://portal.test/portal');

  expect(left(await app.portal.login('ada@example.com', Secret.of('Wrong-Password-1'), ADDRESS))).toEqual({ kind: 'unauthorized' });
  const before = new Date().toISOString();
  const login = right(await app.portal.login('ADA@example.com', Secret.of(ADA_PW), ADDRESS));
  expect(login.principal).toEqual({ kind: 'user', userId: ada, email: 'ada@example.com', displayName: 'Ada Lovelace' });
  expect(await app.portal.session(login.sessionToken)).toEqual(login.principal);
  expect(await app.admin.authenticate(login.sessionToken)).toBeUndefined();

  const notes = await eventually(
    'a notification per directory',
    async () => {
      const n = await app.portal.notifications(ada);
      return n;
    },
    (n) => n.items.length >= 2 && n.updating.length === 0,
  );
  expect(notes.items.map((i) => i.message).sort()).toEqual([
    'Your password was updated in Google Workspace (example.com). You were signed out of your other sessions there: sign in again with your new password.',
    'Your password was updated in Microsoft 365 (example.com). You were signed out of your other sessions there: sign in again with your new password.',
  ]);
  for (const d of BOTH) {
    const v = right(await verify(d, 'ada@example.com', ADA_PW));
    expect(v.matches).toBe(true);
    expect(v.sessionsRevokedAt === null ? '' : v.sessionsRevokedAt >= before).toBe(true);
    expect(right(await verify(d, 'ada@example.com', 'Not-Her-Password-1')).matches).toBe(false);
  }
  expect(left(await verify('google', 'nobody@example.com', 'x'))).toMatchObject({ kind: 'not-found', what: 'user' });
  expect(left(await verify('ldap', 'ada@example.com', 'x'))).toMatchObject({ kind: 'not-found', what: 'directory' });

  const view = right(await app.admin.getUser(ada));
  expect(view.bindings.map((b) => [b.directoryId, b.state, b.label])).toEqual([
    ['google', 'in-sync', 'Google Workspace (example.com)'],
    ['microsoft', 'in-sync', 'Microsoft 365 (example.com)'],
  ]);
  const audit = right(await app.admin.audit(ada));
  expect(audit.logins[0]?.synchronised.map((s) => s.directoryId).sort()).toEqual(BOTH);
  expect(audit.pushes).toHaveLength(2);
  const why = right(await app.admin.why(audit.pushes[0]?.push.pushId ?? ''));
  expect(why.carriedBy?.type).toBe('PortalLogin');
  expect(why.outcome?.status).toBe('succeeded');
  expect(left(await app.admin.why('push/unknown'))).toMatchObject({ kind: 'not-found', what: 'push' });
  expect(left(await app.admin.getUser('no-such-user'))).toMatchObject({ kind: 'not-found', what: 'user' });
  expect(left(await app.admin.bind(by, ada, 'ldap'))).toMatchObject({ kind: 'not-found', what: 'directory' });
  expect(await app.metrics.metrics()).toMatch(/takeover_pushes_total\{directory="google",outcome="succeeded"\} 1/);
});

test("a staged user without a password: activated by the admin, then from the mail's link", async () => {
  grace = right(
    await app.admin.createUser(by, {
      email: 'grace@example.com',
      givenName: 'Grace',
      familyName: 'Hopper',
      state: 'staged',
      directories: BOTH,
    }),
  ).id;
  expect(left(await app.portal.login('grace@example.com', Secret.of(GRACE_PW), ADDRESS))).toEqual({ kind: 'unauthorized' });
  right(await app.admin.setState(by, grace, 'active'));
  const mail = await eventually('the activation mail', async () =>
    ((await app.demo?.mail()) ?? []).find((m) => m.to === 'grace@example.com'),
  );
  expect(mail.subject).toBe('Activate your Takeover Demo account');
  // Every bound directory, and when the link expires.
  expect(mail.text).toContain('Google Workspace (example.com) and Microsoft 365 (example.com)');
  expect(mail.text).toContain('expires 7 days after this email was sent');
  const token = decodeURIComponent(/http:\/\/portal\.test\/portal\/activate\?token=([^\s"<]+)/.exec(mail.text)?.[1] ?? '');
  expect(mail.html).toContain(`/portal/activate?token=${encodeURIComponent(token)}`);

  expect(right(await app.portal.activation(token))).toEqual({
    email: 'grace@example.com',
    givenName: 'Grace',
    directories: [
      { id: 'google', label: 'Google Workspace (example.com)' },
      { id: 'microsoft', label: 'Microsoft 365 (example.com)' },
    ],
  });
  expect(left(await app.portal.activation(`${token}x`))).toMatchObject({ kind: 'not-found', what: 'activation' });
  const weak = right(await app.portal.passwordFeedback({ activationToken: token }, Secret.of(GRACE_WEAK)));
  expect(weak.ok).toBe(false);
  expect(weak.checks.map((c) => [c.scope, c.ok])).toEqual([
    ['platform', false],
    ['google', false],
    ['microsoft', false],
  ]);
  expect(weak.checks[2]?.problems.join(' ')).toMatch(/at least 8 characters/);
  expect(right(await app.portal.passwordFeedback({ activationToken: token }, Secret.of(GRACE_PW))).ok).toBe(true);

  expect(left(await app.portal.activate(token, Secret.of(GRACE_WEAK), ADDRESS))).toMatchObject({
    kind: 'rejected',
    code: 'PasswordRejected',
  });
  // Nothing half-written: the weak password does not log in, the token still works.
  expect(left(await app.portal.login('grace@example.com', Secret.of(GRACE_WEAK), ADDRESS))).toEqual({ kind: 'unauthorized' });
  expect(right(await app.portal.activate(token, Secret.of(GRACE_PW), ADDRESS))).toEqual({ userId: grace });
  expect(left(await app.portal.activate(token, Secret.of(GRACE_PW), ADDRESS))).toMatchObject({ kind: 'not-found', what: 'activation' });

  right(await app.portal.login('grace@example.com', Secret.of(GRACE_PW), ADDRESS));
  for (const d of BOTH) {
    await eventually(`grace's password in ${d}`, async () =>
      right(await verify(d, 'grace@example.com', GRACE_PW)).matches ? true : undefined,
    );
  }
});

test('R7 refusals are `forbidden` with the reason; a portal password change updates both stores', async () => {
  right(await app.admin.setState(by, grace, 'suspended'));
  expect(left(await app.portal.login('grace@example.com', Secret.of(GRACE_PW), ADDRESS))).toMatchObject({
    kind: 'forbidden',
    code: 'suspended',
  });
  right(await app.admin.setState(by, grace, 'active'));

  expect(left(await app.portal.changePassword(ada, Secret.of('Wrong-Current-1'), Secret.of(ADA_NEXT), ADDRESS))).toEqual({
    kind: 'unauthorized',
  });
  expect(left(await app.portal.changePassword(ada, Secret.of(ADA_PW), Secret.of(GRACE_WEAK), ADDRESS))).toMatchObject({
    kind: 'rejected',
    code: 'PasswordRejected',
  });
  right(await app.portal.login('ada@example.com', Secret.of(ADA_PW), ADDRESS));
  right(await app.portal.changePassword(ada, Secret.of(ADA_PW), Secret.of(ADA_NEXT), ADDRESS));
  expect(left(await app.portal.login('ada@example.com', Secret.of(ADA_PW), ADDRESS))).toEqual({ kind: 'unauthorized' });
  right(await app.portal.login('ada@example.com', Secret.of(ADA_NEXT), ADDRESS));
  for (const d of BOTH) {
    await eventually(`ada's new password in ${d}`, async () =>
      right(await verify(d, 'ada@example.com', ADA_NEXT)).matches ? true : undefined,
    );
  }
  right(await app.admin.changeAttributes(by, ada, { jobTitle: 'Analyst' }));
  expect(right(await app.admin.getUser(ada)).attributes.jobTitle).toBe('Analyst');
  expect(left(await app.admin.changeAttributes(by, ada, { email: 'grace@example.com' }))).toMatchObject({ kind: 'conflict' });
  expect(right(await app.admin.getUser(ada)).email).toBe('ada@example.com');
});

test('throttling: after repeated failures for one account, the next attempt is refused with a wait', async () => {
  for (let i = 0; i < 5; i++) left(await app.portal.login('alan@example.com', Secret.of(`Guess-${i}`), '198.51.100.9'));
  const throttled = left(await app.portal.login('alan@example.com', Secret.of('Guess-x'), '198.51.100.9'));
  expect(throttled).toMatchObject({ kind: 'throttled' });
  expect(throttled.kind === 'throttled' ? throttled.retryAfterSeconds : 0).toBeGreaterThan(0);
});

test("a restart keeps everything: users, credentials, mails, the emulators' passwords; no new admin password", async () => {
  await eventually('idle', async () => ((await app.portal.notifications(ada)).updating.length === 0 ? true : undefined));
  logs.push(host.logs());
  await app.close(5_000);
  host = await startApp(dataDir, { ADMIN_API_KEY: 'k'.repeat(40) });
  app = host.app;
  expect(app.firstStart).toBeUndefined();
  right(await app.admin.login('admin@example.com', Secret.of(adminPassword), ADDRESS));
  expect((await app.admin.searchUsers({})).users.map((u) => u.email)).toEqual(['ada@example.com', 'grace@example.com']);
  right(await app.portal.login('ada@example.com', Secret.of(ADA_NEXT), ADDRESS));
  for (const d of BOTH) {
    expect(right(await verify(d, 'ada@example.com', ADA_NEXT)).matches).toBe(true);
    expect(right(await verify(d, 'grace@example.com', GRACE_PW)).matches).toBe(true);
  }
  expect(((await app.demo?.mail()) ?? []).length).toBeGreaterThanOrEqual(3);
  expect(right(await app.admin.audit(ada)).logins.length).toBeGreaterThanOrEqual(3);
  expect((await app.ready()).ready).toBe(true);
});

const verify = async (directory: string, userKey: string, password: string) => {
  if (app.demo === undefined) throw new Error('the demo service is missing');
  return app.demo.verify(directory, userKey, Secret.of(password));
};

test('R14: no plaintext password (in any encoding) in DATA_DIR, the logs, the mails, the views or the metrics', async () => {
  await eventually('idle', async () => ((await app.portal.notifications(ada)).updating.length === 0 ? true : undefined));
  logs.push(host.logs());
  const texts: Array<[string, Buffer]> = [];
  for (const f of await filesUnder(dataDir)) texts.push([f, await readFile(f)]);
  texts.push(['logs', Buffer.from(logs.join(''))]);
  texts.push(['mails', Buffer.from(JSON.stringify(await app.demo?.mail()))]);
  for (const id of [ada, grace]) {
    texts.push([
      `user ${id}`,
      Buffer.from(JSON.stringify([await app.admin.getUser(id), await app.admin.audit(id), await app.portal.notifications(id)])),
    ]);
  }
  texts.push(['search', Buffer.from(JSON.stringify([await app.admin.searchUsers({}), await app.admin.directories()]))]);
  texts.push(['metrics', Buffer.from(await app.metrics.metrics())]);
  expect(texts.length).toBeGreaterThan(6);
  // The scan finds what is there (emails are stored), so an empty result means something.
  expect(texts.filter(([, b]) => b.includes('grace@example.com')).length).toBeGreaterThan(4);
  expect(logs.join('')).toContain('portal login');
  // Every encoding at any offset (plain, base64/base64url under each alignment, hex, URL/form, JSON escapes); files byte for byte.
  const scanner = leakScanner(PASSWORDS);
  const found = texts.flatMap(([name, b]) =>
    scanner.findAll(b.toString('latin1')).map((hit) => `${name}: password ${hit.secret} as ${describeLeak(hit)}`),
  );
  expect(found).toEqual([]);
});
