import type { ExternalUserId } from '@takeover/connector-kit';
import { GOOGLE, PASSWORD, ada, bindingsOf, cmd, uid, world } from './world.js';

const id = (s: string) => s as ExternalUserId;
const NEWER = 'Newer-Password-2?';

test('ordering: a newer password supersedes a queued older push to the same directory; the older never lands after it', async () => {
  const w = await world();
  const ext = await w.seedAccounts(ada);
  const u = uid('ada');
  await w.run(cmd.createActive(u, ada, PASSWORD));
  await w.run(cmd.bind(u, GOOGLE, ext.google));
  await w.engine.idle();
  // The first push is throttled for a second: it waits, holding the lease, with the older password.
  w.connectors.google.failNext(1, {
    _tag: 'retryable',
    reason: 'throttled',
    retryAfter: 1000,
    provider: { status: 429, code: 'rateLimitExceeded', message: 'Quota exceeded' },
  });
  await w.run(cmd.logIn(u));
  while (w.connectors.google.calls().length === 0) await new Promise((r) => setTimeout(r, 5));
  await w.run(cmd.setPassword(u, NEWER, 'user-portal'));
  await w.engine.idle();

  expect(await w.google.target.passwordMatches(id(ext.google), NEWER)).toBe(true);
  expect(w.pushCalls().google).toBe(2); // the throttled attempt, then the newer password; the older one was never sent again
  expect(w.metrics.pushes()).toMatchObject({ 'google/superseded': 1, 'google/succeeded': 1 });
  const binding = (await bindingsOf(w.store, u))[GOOGLE];
  expect(binding?.pushedPasswordVersion).toBe(2);
  expect(binding?.takeoverComplete).toBe(true);
});

test('a password change in the portal before any login does not reach a directory still awaiting its takeover (R3)', async () => {
  const w = await world();
  const ext = await w.seedAccounts(ada);
  const u = uid('ada');
  await w.run(cmd.createActive(u, ada, PASSWORD));
  await w.run(cmd.bind(u, GOOGLE, ext.google));
  await w.run(cmd.setPassword(u, NEWER, 'user-portal'));
  await w.engine.idle();
  expect(w.pushCalls().google).toBe(0);
  expect(w.engine.heldCount()).toBe(0);
});

test('the plaintext is never used past its deadline: a push still queued behind a Retry-After when the hold ends is abandoned, and stays owed', async () => {
  const w = await world({ hold: { holdMs: 400 } });
  const ext = await w.seedAccounts(ada);
  const u = uid('ada');
  await w.run(cmd.createActive(u, ada, PASSWORD));
  await w.run(cmd.bind(u, GOOGLE, ext.google));
  await w.engine.idle();
  w.connectors.google.failNext(1, {
    _tag: 'retryable',
    reason: 'throttled',
    retryAfter: 1500,
    provider: { status: 429, code: 'rateLimitExceeded', message: 'Quota exceeded' },
  });
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  expect(w.pushCalls().google).toBe(1); // the throttled attempt only: nothing was sent after the deadline
  expect(w.metrics.pushes()).toMatchObject({ 'google/hold-expired': 1 });
  const binding = (await bindingsOf(w.store, u))[GOOGLE];
  expect(binding?.lastFailure?.failure.code).toBe('hold-expired');
  expect(binding?.inFlight).toBeNull();
  expect(w.engine.heldCount()).toBe(0);
});
