import type { ExternalUserId } from '@takeover/connector-kit';
import { GOOGLE, M365, PASSWORD, activeAdaBound, ada, bindingsOf, cmd, uid, world } from './world.js';

const id = (s: string) => s as ExternalUserId;
const unavailable = {
  _tag: 'retryable' as const,
  reason: 'server' as const,
  provider: { status: 503, code: 'backendError', message: 'Service unavailable' },
};

const boundUser = async () => {
  const w = await world();
  return { w, ...(await activeAdaBound(w)) };
};

test('R12 a directory answering 503 for a while: the push completes once it recovers, within the hold window', async () => {
  const { w, ext, u } = await boundUser();
  w.connectors.google.failNext(4, unavailable);
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  expect(await w.google.target.passwordMatches(id(ext.google), PASSWORD)).toBe(true);
  expect(w.pushCalls().google).toBe(5);
  expect(w.metrics.retries()[GOOGLE]).toBe(4);
  expect(w.metrics.pushes()).toMatchObject({ 'google/succeeded': 1, 'm365/succeeded': 1 });
  expect((await bindingsOf(w.store, u))[GOOGLE]?.takeoverComplete).toBe(true);
});

test('R12 a 429 with Retry-After: no request reaches that directory before it has elapsed', async () => {
  const { w, ext, u } = await boundUser();
  w.connectors.m365.failNext(1, {
    _tag: 'retryable',
    reason: 'throttled',
    retryAfter: 1000,
    provider: { status: 429, code: 'TooManyRequests', message: 'Too many requests' },
  });
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  const calls = w.connectors.m365.calls().filter((c) => c.op === 'push');
  expect(calls).toHaveLength(2);
  expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
  expect(w.metrics.throttles()[M365]).toBe(1);
  expect(await w.m365.target.passwordMatches(id(ext.m365), PASSWORD)).toBe(true);
});

test('R12 a permanent failure is visible with its reason and not retried until something changes', async () => {
  const { w, u } = await boundUser();
  w.connectors.google.failNext(1, {
    _tag: 'permanent',
    reason: 'policy-rejected',
    provider: { status: 400, code: 'invalidPassword', message: 'Password does not meet the requirements' },
  });
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  expect(w.pushCalls().google).toBe(1);
  expect((await bindingsOf(w.store, u))[GOOGLE]?.lastFailure?.failure).toMatchObject({
    class: 'permanent',
    reason: 'policy-rejected',
    status: 400,
  });
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  expect(w.pushCalls().google).toBe(1); // not retried: the same push failed permanently
  await w.run(cmd.change(u, { jobTitle: 'Analyst' }));
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  expect(w.pushCalls().google).toBe(2); // something changed: owed again
});

test('R12 an auth failure is recorded as such (the directory needs an admin) and not retried', async () => {
  const { w, u } = await boundUser();
  w.connectors.m365.failAlways({
    _tag: 'auth',
    provider: { status: 401, code: 'InvalidAuthenticationToken', message: 'Access token validation failure' },
  });
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  expect(w.pushCalls().m365).toBe(1);
  expect((await bindingsOf(w.store, u))[M365]?.lastFailure?.failure).toMatchObject({ class: 'auth', code: 'InvalidAuthenticationToken' });
  expect(w.metrics.pushes()['m365/auth']).toBe(1);
});

test('a retryable failure that outlasts the hold window stays owed; the plaintext is dropped, and the next login pushes', async () => {
  const w = await world();
  const ext = await w.seedAccounts(ada);
  const u = uid('ada');
  const short = w.newEngine({ hold: { holdMs: 300 } });
  await short.execute(cmd.createActive(u, ada, PASSWORD))();
  await short.execute(cmd.bind(u, GOOGLE, ext.google))();
  await short.idle();
  w.connectors.google.failAlways(unavailable);
  await short.execute(cmd.logIn(u))();
  await short.idle();
  expect(short.heldCount()).toBe(0);
  const failed = (await bindingsOf(w.store, u))[GOOGLE];
  expect(failed?.takeoverComplete).toBe(false);
  expect(failed?.inFlight).toBeNull();
  w.connectors.google.heal();
  await short.execute(cmd.logIn(u))();
  await short.idle();
  expect(await w.google.target.passwordMatches(id(ext.google), PASSWORD)).toBe(true);
});

test("R12 the auth pause is measured on the engine's clock: a fake clock past the pause lets the trial call through", async () => {
  let nowMs = Date.now();
  const w = await world({ clock: { now: () => nowMs }, authPauseMs: 60_000 });
  const { ext, u } = await activeAdaBound(w);
  w.connectors.m365.failAlways({
    _tag: 'auth',
    provider: { status: 401, code: 'InvalidAuthenticationToken', message: 'Access token validation failure' },
  });
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  expect(w.engine.pausedDirectories()).toEqual([M365]);
  nowMs += 59_000; // still within the pause on the engine's clock
  expect(w.engine.pausedDirectories()).toEqual([M365]);
  w.connectors.m365.heal();
  nowMs += 2_000; // past it (no real time has passed: a breaker on Date.now() would still be open)
  expect(w.engine.pausedDirectories()).toEqual([]);
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  expect(w.engine.pausedDirectories()).toEqual([]);
  expect(await w.m365.target.passwordMatches(id(ext.m365), PASSWORD)).toBe(true);
  await w.close();
});

test('R12 after an auth failure the directory is paused: no more requests there until the pause ends and a trial call succeeds', async () => {
  const w = await world({ authPauseMs: 300 });
  const users = ['ada', 'bob', 'cyd'].map((n) => ({ u: uid(n), attrs: { email: `${n}@example.com`, givenName: n, familyName: 'Test' } }));
  const ext = new Map<string, { google: string; m365: string }>();
  for (const { u, attrs } of users) {
    ext.set(u, await w.seedAccounts(attrs));
    await w.run(cmd.createActive(u, attrs, PASSWORD));
    await w.run(cmd.bind(u, M365, ext.get(u)?.m365));
  }
  await w.engine.idle();
  w.connectors.m365.failAlways({
    _tag: 'auth',
    provider: { status: 401, code: 'InvalidAuthenticationToken', message: 'Access token validation failure' },
  });
  for (const { u } of users) await w.run(cmd.logIn(u));
  await w.engine.idle();
  expect(w.pushCalls().m365).toBe(1); // one failed sign-in, not three
  expect(w.engine.pausedDirectories()).toEqual([M365]);

  w.connectors.m365.heal(); // an admin fixed the credentials
  await new Promise((r) => setTimeout(r, 350));
  for (const { u } of users) await w.run(cmd.logIn(u));
  await w.engine.idle();
  expect(w.engine.pausedDirectories()).toEqual([]);
  for (const { u } of users) expect(await w.m365.target.passwordMatches(id(ext.get(u)?.m365 ?? ''), PASSWORD)).toBe(true);
});
