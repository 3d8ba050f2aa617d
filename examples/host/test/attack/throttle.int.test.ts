// Attack: password guessing and lockout as a weapon (issue 17 #4, #6), with real parallel requests.
// The throttle is taken before the password is checked, so however many guesses arrive at once, at
// most the limit are checked; an account locked by guesses from everywhere still lets its owner in
// from a device that logged in before; bad activation links from one address never hold up a valid one.
import { DEFAULT_THROTTLE } from '../../src/db/throttle.js';
import { call, cookieFrom, startTestHost, type TestHost } from '../support/testHost.js';
import { activationToken, createUser, freshEmail, portalLogin } from '../support/users.js';

const PASSWORD = 'Right-Horse-Battery-9!';
const checked = (statuses: ReadonlyArray<number>): number => statuses.filter((s) => s !== 429).length;
const guesses = (n: number): ReadonlyArray<string> =>
  Array.from({ length: n }, (_, i) => (i === n - 1 ? PASSWORD : `Guess-${String(i)}-Horse!`));

describe('one address, no proxy', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  }, 120_000);
  afterAll(async () => {
    await host.close();
  });

  test('issue 17 #4: 100 parallel guesses (the right one among them) → at most the per-account limit are checked', async () => {
    const email = freshEmail('guessed');
    await createUser(host, { email, password: PASSWORD });
    const results = await Promise.all(guesses(100).map((password) => portalLogin(host, email, password)));
    const statuses = results.map((r) => r.status);
    expect(checked(statuses)).toBeLessThanOrEqual(DEFAULT_THROTTLE.perAccount);
    for (const s of statuses) expect([200, 401, 429]).toContain(s);
  });
});

describe('behind a trusted proxy, guesses from everywhere (X-Forwarded-For varied)', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ env: { TRUST_PROXY: 'true' } });
  }, 120_000);
  afterAll(async () => {
    await host.close();
  });

  let next = 0;
  const from = (): Record<string, string> => {
    next += 1;
    return { 'x-forwarded-for': `198.51.${String(Math.floor(next / 250))}.${String(next % 250)}` };
  };
  const anywhere = DEFAULT_THROTTLE.perAccountAnywhere ?? 10;

  test('issue 17 #4: 100 parallel guesses, each from another address → at most the account-wide limit are checked', async () => {
    const email = freshEmail('rotated');
    await createUser(host, { email, password: PASSWORD });
    const results = await Promise.all(guesses(100).map((password) => portalLogin(host, email, password, from())));
    expect(checked(results.map((r) => r.status))).toBeLessThanOrEqual(anywhere);
  });

  test('issue 17 #6: a locked account still lets its owner in from a known device; unknown devices wait (Retry-After)', async () => {
    const email = freshEmail('victim');
    await createUser(host, { email, password: PASSWORD });
    const owner = await portalLogin(host, email, PASSWORD, from());
    expect(owner.status).toBe(200);
    expect(owner.device).not.toBe('');
    // The attacker: wrong guesses from many addresses until the account is locked.
    const attack = await Promise.all(
      Array.from({ length: anywhere + 5 }, (_, i) => portalLogin(host, email, `Wrong-${String(i)}-Horse!`, from())),
    );
    expect(attack.some((r) => r.status === 429)).toBe(true);
    const stranger = await call(host, 'POST', '/portal/api/login', { body: { email, password: PASSWORD }, headers: from() });
    expect(stranger.status).toBe(429);
    expect(Number(stranger.headers.get('retry-after'))).toBeGreaterThan(0);
    // The owner's browser, with its device cookie, from yet another address: in.
    expect((await portalLogin(host, email, PASSWORD, { ...from(), cookie: owner.device })).status).toBe(200);
    // A device cookie earned by another account does not count for this one.
    const otherEmail = freshEmail('other');
    await createUser(host, { email: otherEmail, password: PASSWORD });
    const otherDevice = (await portalLogin(host, otherEmail, PASSWORD, from())).device;
    expect((await portalLogin(host, email, PASSWORD, { ...from(), cookie: otherDevice })).status).toBe(429);
  });

  test("issue 17 #6: the admin account too: locked for strangers, open to the admin's known device", async () => {
    const password = 'Admin-Horse-Battery-4!';
    const adminEmail = 'admin@example.com';
    // The test host started afresh: its admin password was generated and handed back once.
    const first = host.app.firstStart;
    if (first === undefined) throw new Error('the test host should be at its first start');
    const { reveal } = await import('@takeover/core');
    const good = reveal(first.adminPassword);
    const session = await call(host, 'POST', '/api/session', { body: { email: adminEmail, password: good }, headers: from() });
    expect(session.status).toBe(200);
    const device = cookieFrom(session, 'takeover_admin_device') ?? '';
    expect(device).not.toBe('');
    await Promise.all(
      Array.from({ length: anywhere + 5 }, (_, i) =>
        call(host, 'POST', '/api/session', { body: { email: adminEmail, password: `${password}${String(i)}` }, headers: from() }),
      ),
    );
    expect((await call(host, 'POST', '/api/session', { body: { email: adminEmail, password: good }, headers: from() })).status).toBe(429);
    expect(
      (await call(host, 'POST', '/api/session', { body: { email: adminEmail, password: good }, headers: { ...from(), cookie: device } }))
        .status,
    ).toBe(200);
  });

  test('issue 17 #6: bad activation links from one address never hold up a valid one from that address', async () => {
    const address = { 'x-forwarded-for': '203.0.113.50' };
    const bad = await Promise.all(
      Array.from({ length: DEFAULT_THROTTLE.perAddress + 10 }, (_, i) =>
        call(host, 'POST', '/portal/api/activate', {
          body: { token: `not.a-valid.token${String(i)}`, password: PASSWORD },
          headers: address,
        }),
      ),
    );
    expect(bad.map((r) => r.status)).toContain(429);
    for (const r of bad) expect([404, 429]).toContain(r.status);
    const email = freshEmail('activates');
    await createUser(host, { email, directories: ['google'] });
    const token = await activationToken(host, email);
    expect((await call(host, 'POST', '/portal/api/activate', { body: { token, password: PASSWORD }, headers: address })).status).toBe(200);
  });
});
