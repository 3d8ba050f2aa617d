// Attack: parallel duplicates of every state-changing portal request (issue 17 #2, #3, #8), as real
// parallel HTTP requests against a running host. Each must end in one consistent outcome: the
// platform's credential, the events and both directories agree on the password that was accepted,
// and every other request got a clear refusal and changed nothing.
import { reveal } from '@takeover/core';
import { FormClient } from '../support/formClient.js';
import { call, startTestHost, type TestHost } from '../support/testHost.js';
import { adminCall } from '../support/admin.js';
import { activationToken, createUser, directoriesTake, freshEmail, inSync, portalLogin } from '../support/users.js';

let host: TestHost;
beforeAll(async () => {
  // Generous limits: this file is about races, not throttling (throttle.int.test.ts is).
  host = await startTestHost({
    app: { throttle: { perAccount: 100, perAddress: 10_000, windowSeconds: 900, blockSeconds: 900, perAccountAnywhere: 1_000 } },
    server: { authRateLimit: { max: 100_000, timeWindowMs: 60_000 } },
  });
}, 120_000);
afterAll(async () => {
  await host.close();
});

const BOTH = ['google', 'microsoft'];
const passwordVersion = async (userId: string): Promise<number> =>
  ((await adminCall(host, 'GET', `/api/users/${userId}`)).json as { passwordVersion: number }).passwordVersion;

describe.each([2, 5])('issue 17 #2: %i parallel activations with one link', (n) => {
  test('set the password once; the user logs in with the password that won; the others are refused and change nothing', async () => {
    const email = freshEmail(`activate${String(n)}`);
    const userId = await createUser(host, { email, directories: BOTH });
    const token = await activationToken(host, email);
    const passwords = Array.from({ length: n }, (_, i) => `Activation-${String(i)}-Horse-Battery!`);
    const results = await Promise.all(
      passwords.map((password) => call(host, 'POST', '/portal/api/activate', { body: { token, password } })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) {
      expect([404, 409]).toContain(r.status);
      expect((r.json as { error: { reason: string } }).error.reason).not.toBe('');
    }
    const won = passwords[statuses.indexOf(200)] ?? '';
    expect(await passwordVersion(userId)).toBe(1);
    expect((await portalLogin(host, email, won)).status).toBe(200);
    for (const lost of passwords.filter((p) => p !== won)) expect((await portalLogin(host, email, lost)).status).toBe(401);
    // The link is spent, and the directories take the password that won.
    expect((await call(host, 'POST', '/portal/api/activate', { body: { token, password: 'Yet-Another-Horse-1!' } })).status).toBe(404);
    await inSync(host, userId);
    expect(await directoriesTake(host, email, won)).toEqual([true, true]);
  });
});

describe.each([4, 10])('issue 17 #3: %i parallel password changes on one session, one of them too weak', (n) => {
  test('the accepted change is in force everywhere: portal login, events and both directories', async () => {
    const email = freshEmail(`change${String(n)}`);
    const original = 'Original-Horse-Battery-7!';
    const userId = await createUser(host, { email, password: original, directories: BOTH });
    const login = await portalLogin(host, email, original);
    expect(login.status).toBe(200);
    await inSync(host, userId);
    const before = await passwordVersion(userId);
    const nexts = Array.from({ length: n }, (_, i) => (i === 1 ? 'weak' : `Changed-${String(i)}-Horse-Battery!`));
    const results = await Promise.all(
      nexts.map((next) => call(host, 'POST', '/portal/api/password', { body: { current: original, next }, cookie: login.session })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses[1]).toBe(422);
    for (const s of statuses) expect([204, 401, 409, 422]).toContain(s);
    const accepted = nexts.filter((_, i) => statuses[i] === 204);
    // Each accepted change needed the password it replaced, so one accepted change wins the race.
    expect(accepted).toHaveLength(1);
    const inForce = accepted[0] ?? '';
    expect(await passwordVersion(userId)).toBe(before + 1);
    expect((await portalLogin(host, email, inForce)).status).toBe(200);
    for (const other of [original, ...nexts.filter((p) => p !== inForce)]) expect((await portalLogin(host, email, other)).status).toBe(401);
    await inSync(host, userId);
    expect(await directoriesTake(host, email, inForce)).toEqual([true, true]);
    expect(await directoriesTake(host, email, original)).toEqual([false, false]);
  });
});

describe('issue 17: parallel duplicate logins', () => {
  test('ten parallel logins with the right password each get a session of their own; wrong ones get 401', async () => {
    const email = freshEmail('logins');
    const password = 'Login-Horse-Battery-3!';
    await createUser(host, { email, password, directories: BOTH });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => portalLogin(host, email, i % 3 === 2 ? 'Wrong-Horse-1!' : password)),
    );
    results.forEach((r, i) => expect(r.status).toBe(i % 3 === 2 ? 401 : 200));
    const sessions = results.flatMap((r) => (r.session === '' ? [] : [r.session]));
    expect(new Set(sessions).size).toBe(sessions.length);
    for (const cookie of sessions) expect((await call(host, 'GET', '/portal/api/notifications', { cookie })).status).toBe(200);
  });
});

describe('the login factory (src/http/login.ts): two tabs logging in at once, on each surface it builds', () => {
  const adminCredentials = () => {
    const first = host.app.firstStart;
    if (first === undefined) throw new Error('a fresh DATA_DIR is a first start');
    return { email: first.adminEmail, password: reveal(first.adminPassword) };
  };

  test.each([
    { surface: 'the portal form', login: '/portal/login', home: '/portal', logout: '/portal/logout', cookie: 'takeover_portal' },
    { surface: 'the console form', login: '/admin/login', home: '/admin', logout: '/admin/logout', cookie: 'takeover_admin' },
  ])('$surface: both tabs get a session of their own; logging out of one leaves the other', async ({ login, home, logout, cookie }) => {
    let credentials = adminCredentials();
    if (login === '/portal/login') {
      credentials = { email: freshEmail('two-tabs'), password: 'Two-Tabs-Horse-Battery-4!' };
      await createUser(host, { ...credentials, directories: BOTH });
    }
    const tabs = [new FormClient(host), new FormClient(host)] as const;
    const answers = await Promise.all(tabs.map((tab) => tab.submit(login, login, credentials)));
    expect(answers.map((a) => [a.status, a.location])).toEqual([
      [303, home],
      [303, home],
    ]);
    const [first, second] = tabs.map((tab) => tab.cookie(cookie));
    expect(first).toBeDefined();
    expect(first).not.toBe(second);
    for (const tab of tabs) expect((await tab.get(home)).status).toBe(200);

    expect((await tabs[0].submit(home, logout, {})).status).toBe(303);
    expect((await tabs[0].get(home)).location).toBe(login);
    expect((await tabs[1].get(home)).status).toBe(200);
  });

  test('the portal API and the admin API: both callers get a session of their own; logging out of one leaves the other', async () => {
    const email = freshEmail('two-tabs-api');
    const password = 'Two-Tabs-Horse-Battery-5!';
    await createUser(host, { email, password, directories: BOTH });
    const portal = await Promise.all([portalLogin(host, email, password), portalLogin(host, email, password)]);
    expect(portal.map((l) => l.status)).toEqual([200, 200]);
    expect(portal[0]?.session).not.toBe(portal[1]?.session);
    expect((await call(host, 'POST', '/portal/api/logout', { cookie: portal[0]?.session ?? '' })).status).toBe(204);
    expect((await call(host, 'GET', '/portal/api/notifications', { cookie: portal[0]?.session ?? '' })).status).toBe(401);
    expect((await call(host, 'GET', '/portal/api/notifications', { cookie: portal[1]?.session ?? '' })).status).toBe(200);

    const api = await Promise.all([0, 1].map(() => call(host, 'POST', '/api/session', { body: adminCredentials() })));
    expect(api.map((r) => r.status)).toEqual([200, 200]);
    const [a = '', b = ''] = api.map((r) => (r.json as { token: string }).token);
    expect(a).not.toBe(b);
    expect((await call(host, 'DELETE', '/api/session', { token: a })).status).toBe(204);
    expect((await call(host, 'GET', '/api/directories', { token: a })).status).toBe(401);
    expect((await call(host, 'GET', '/api/directories', { token: b })).status).toBe(200);
  });
});

describe('issue 17 #8: sessions end with a password change and a suspension', () => {
  test("a password change ends the user's other portal sessions and keeps the one that made it", async () => {
    const email = freshEmail('sessions');
    const password = 'Session-Horse-Battery-1!';
    await createUser(host, { email, password, directories: BOTH });
    const here = await portalLogin(host, email, password);
    const elsewhere = await portalLogin(host, email, password);
    expect((await call(host, 'GET', '/portal/api/notifications', { cookie: elsewhere.session })).status).toBe(200);
    const changed = await call(host, 'POST', '/portal/api/password', {
      body: { current: password, next: 'Session-Horse-Battery-2!' },
      cookie: here.session,
    });
    expect(changed.status).toBe(204);
    expect((await call(host, 'GET', '/portal/api/notifications', { cookie: elsewhere.session })).status).toBe(401);
    expect((await call(host, 'GET', '/portal/api/notifications', { cookie: here.session })).status).toBe(200);
  });

  test('suspending a user ends its sessions: activating it again does not revive them', async () => {
    const email = freshEmail('suspend');
    const password = 'Suspend-Horse-Battery-1!';
    const userId = await createUser(host, { email, password, directories: BOTH });
    const login = await portalLogin(host, email, password);
    expect((await call(host, 'GET', '/portal/api/notifications', { cookie: login.session })).status).toBe(200);
    expect((await adminCall(host, 'POST', `/api/users/${userId}/state`, { state: 'suspended' })).status).toBe(200);
    expect((await adminCall(host, 'POST', `/api/users/${userId}/state`, { state: 'active' })).status).toBe(200);
    expect((await call(host, 'GET', '/portal/api/notifications', { cookie: login.session })).status).toBe(401);
    expect((await portalLogin(host, email, password)).status).toBe(200);
  });
});
