import type { UserId } from '@takeover/core';
import { GOOGLE, M365, PASSWORD, activeAdaBound, bindingsOf, cmd, uid, world } from './world.js';

// Owed work that needs no plaintext (here: finding or creating a bound user's account) must not be
// left waiting for the user's next command when a directory fails for longer than one call's retries.

const unavailable = {
  _tag: 'retryable' as const,
  reason: 'server' as const,
  provider: { status: 503, code: 'backendError', message: 'Service unavailable' },
};
const throttled = {
  _tag: 'retryable' as const,
  reason: 'throttled' as const,
  provider: { status: 429, code: 'rateLimitExceeded', message: 'Quota exceeded' },
};

const people = (count: number) =>
  Array.from({ length: count }, (_, i) => {
    const name = `rollout-${String(i).padStart(5, '0')}`;
    return { u: uid(name), attributes: { email: `${name}@example.com`, givenName: 'Roll', familyName: `Out ${i}` } };
  });

const linkStatuses = async (w: Awaited<ReturnType<typeof world>>, users: ReadonlyArray<UserId>, d = GOOGLE) =>
  Promise.all(users.map(async (u) => (await bindingsOf(w.store, u))[d]?.link.status));

test('many users bound while the directory answers 503/429 for longer than each call retries: every account is found or created once it recovers, without another command', async () => {
  // Each resolve gives up after 2 attempts; the directory fails the first 100 calls: more than the
  // settles the commands themselves start can use up (at most two per user, 80 attempts in all).
  const w = await world({
    retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
    backgroundWindowMs: 20,
    // The 429s halve the rate; a floor keeps this test quick (pacing is tested in pacing.test.ts).
    pacing: { 'in-memory': { ratePerSecond: 1000, maxInFlight: 8, minRatePerSecond: 500 } },
  });
  const all = people(20);
  for (const p of all) await w.run(cmd.createActive(p.u, p.attributes, PASSWORD));
  await w.engine.idle();
  w.connectors.google.failNext(50, unavailable);
  w.connectors.google.failNext(50, throttled);
  for (const p of all) {
    await w.run(cmd.bind(p.u, M365, undefined, 'import'));
    await w.run(cmd.bind(p.u, GOOGLE, undefined, 'import'));
  }
  // No further command: the settles that left an account owed are tried again until it is found or created.
  await w.engine.idle({ retries: true });
  expect(
    await linkStatuses(
      w,
      all.map((p) => p.u),
    ),
  ).toEqual(all.map(() => 'linked'));
  expect(
    await linkStatuses(
      w,
      all.map((p) => p.u),
      M365,
    ),
  ).toEqual(all.map(() => 'linked'));
  expect(w.engine.retriesArmed()).toBe(0);
  // 100 failed resolves, then one successful one per user (none resolved twice).
  expect(w.connectors.google.calls().filter((c) => c.op === 'resolve')).toHaveLength(100 + all.length);
  await w.close();
});

test('a binding made while the directory is paused (auth) is resolved once the pause ends, without another command', async () => {
  const w = await world({ authPauseMs: 50, retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 5 }, backgroundWindowMs: 40 });
  const { u } = await activeAdaBound(w);
  w.connectors.m365.failNext(1, {
    _tag: 'auth',
    provider: { status: 401, code: 'InvalidAuthenticationToken', message: 'Access token has expired' },
  });
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  expect(w.engine.pausedDirectories()).toContain(M365);
  const [grace] = people(1);
  if (grace === undefined) throw new Error('no user');
  await w.run(cmd.createActive(grace.u, grace.attributes, PASSWORD));
  await w.run(cmd.bind(grace.u, M365));
  await w.engine.idle();
  expect((await bindingsOf(w.store, grace.u))[M365]?.link.status).toBe('resolving');
  await w.engine.idle({ retries: true });
  expect((await bindingsOf(w.store, grace.u))[M365]?.link).toMatchObject({ status: 'linked', how: 'created' });
  await w.close();
});

test('close cancels the armed retries: a directory that stays down does not keep a closed engine busy', async () => {
  const w = await world({ retry: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 60_000 } });
  w.connectors.google.failAlways(unavailable);
  const [p] = people(1);
  if (p === undefined) throw new Error('no user');
  await w.run(cmd.createActive(p.u, p.attributes, PASSWORD));
  await w.run(cmd.bind(p.u, GOOGLE));
  await w.engine.idle();
  expect(w.engine.retriesArmed()).toBe(1);
  await w.engine.close();
  expect(w.engine.retriesArmed()).toBe(0);
  expect((await bindingsOf(w.store, p.u))[GOOGLE]?.link.status).toBe('resolving');
  await w.close();
});

test('a resolve whose background window ran out while it waited (a clock that moves a minute per reading) is tried again by a later settle, not left resolving', async () => {
  // Every reading of this clock is 61 s after the last: each call's window (60 s) has passed by the
  // time its first attempt fails, as for a user far back in a 5,000-user import's queue. No retry of its own.
  let t = Date.parse('2026-12-01T00:00:00Z');
  const w = await world({
    clock: { now: () => (t += 61_000) },
    backgroundWindowMs: 60_000,
    retry: { initialDelayMs: 1, maxDelayMs: 2 },
  });
  const all = people(10);
  for (const p of all) await w.run(cmd.createActive(p.u, p.attributes, PASSWORD));
  await w.engine.idle();
  // More failures than the settles the commands start can meet (one call each, at most two settles per user).
  w.connectors.google.failNext(30, unavailable);
  for (const p of all) await w.run(cmd.bind(p.u, GOOGLE, undefined, 'import'));
  await w.engine.idle({ retries: true });
  expect(
    await linkStatuses(
      w,
      all.map((p) => p.u),
    ),
  ).toEqual(all.map(() => 'linked'));
  expect(w.connectors.google.calls().filter((c) => c.op === 'resolve')).toHaveLength(30 + all.length);
  await w.close();
});
