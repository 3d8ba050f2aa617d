// The engine's close at a deadline (what a host's shutdown does): work still waiting for a slot is
// not sent and stays owed, and nothing of the closed engine asks a shared budget its owner closes next.
import { externalUserId } from '@takeover/connector-kit';
import type { SharedBudget } from '@takeover/engine';
import { OLD_PASSWORD, PASSWORD, activeAdaBound, cmd, world } from './world.js';

test('close at its deadline: pushes waiting for a shared slot are not sent but stay owed (the next login sends them); the budget, closed next, is asked no more', async () => {
  let mode: 'open' | 'stalled' | 'closed' = 'open';
  let reservations = 0;
  const stalled: Array<(e: Error) => void> = [];
  const budget: SharedBudget = {
    reserve: () => {
      reservations += 1;
      if (mode === 'open') return Promise.resolve({ waitMs: 0, ratePerSecond: 1000 });
      if (mode === 'closed') return Promise.reject(new Error('Cannot use a pool after calling end on the pool'));
      return new Promise((_resolve, reject) => stalled.push(reject)); // the budget does not answer (yet)
    },
    throttled: () => Promise.resolve(),
  };
  const w = await world({ budget });
  const { u, ext } = await activeAdaBound(w);
  const before = w.pushCalls();

  mode = 'stalled';
  await w.run(cmd.logIn(u)); // the takeover: a push of the password to each directory
  while (stalled.length < 2) await new Promise((resolve) => setTimeout(resolve, 5)); // both waiting for their slot
  await w.engine.close({ deadlineMs: 20 });
  // The owner closes the budget's pool after the engine: the reservation in hand fails, and is not asked again.
  mode = 'closed';
  for (const reject of stalled.splice(0)) reject(new Error('Cannot use a pool after calling end on the pool'));
  await w.engine.idle();
  const asked = reservations;
  expect(w.logger.lines().filter((l) => l.includes('budget unreachable'))).toEqual([]);
  expect(w.pushCalls()).toEqual(before);
  expect(await w.google.target.passwordMatches(externalUserId(ext.google), OLD_PASSWORD)).toBe(true);
  expect(await w.engine.close()).toBeUndefined(); // a second close is the first one's

  const events = await w.store.readStream(`user-${u}`)();
  const failed = (events._tag === 'Right' ? events.right : []).map((e) => JSON.stringify(e.event)).filter((e) => e.includes('PushFailed'));
  expect(failed).toEqual([expect.stringContaining('not sent'), expect.stringContaining('not sent')]);
  expect(reservations).toBe(asked);

  // Another instance (the restarted host) with the budget back: the user's next login sends both.
  mode = 'open';
  const again = w.newEngine({ budget });
  const login = await again.execute(cmd.logIn(u))();
  expect(login._tag).toBe('Right');
  await again.idle();
  expect(w.pushCalls()).toEqual({ google: before.google + 1, m365: before.m365 + 1 });
  expect(await w.google.target.passwordMatches(externalUserId(ext.google), PASSWORD)).toBe(true);
  expect(await w.m365.target.passwordMatches(externalUserId(ext.m365), PASSWORD)).toBe(true);
  await again.close();
  await w.google.close();
  await w.m365.close();
});
