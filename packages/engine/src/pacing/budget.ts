import type { DirectoryId } from '@takeover/core';
import type { ConnectorLogger } from '@takeover/connector-kit';
import type { Clock } from '../ports.js';
import type { Pacer, Waiting } from './pacer.js';
import { cancelWaiting, coldLimit, enqueue } from './pacer.js';
import type { PacingOptions } from './quotas.js';

/** One slot granted by a shared budget: wait `waitMs` (from when the answer arrived), then call. */
export interface BudgetSlot {
  readonly waitMs: number;
  /** The directory's rate now, as the budget holds it for every instance (requests per second). */
  readonly ratePerSecond: number;
}

/**
 * A directory's request budget shared by every engine instance that uses it (e.g. one row per
 * directory in PostgreSQL: `postgresQuotaBudget` in `@takeover/event-store-postgres`). Without one,
 * each engine paces its own process (`pacer`). Every instance must be given the same `PacingOptions`
 * for a directory: the budget enforces the rate of the latest caller.
 */
export interface SharedBudget {
  /**
   * Reserves the directory's next request slot for this instance. `successes` is how many calls
   * succeeded here since this instance's last reservation (the shared rate climbs back with them).
   * Rejects only when the budget cannot be reached (then the pacer waits and asks again).
   */
  readonly reserve: (directoryId: DirectoryId, pacing: PacingOptions, successes: number) => Promise<BudgetSlot>;
  /** A throttling answer seen here: every instance slows down (rate halved, nothing before `retryAfterMs`). */
  readonly throttled: (directoryId: DirectoryId, pacing: PacingOptions, retryAfterMs: number | undefined) => Promise<void>;
}

/** How long the pacer waits before asking an unreachable budget again. */
export const BUDGET_RETRY_MS = 1_000;

/**
 * How many slots an instance holds at once: one being waited out, and the next one already asked
 * for, so the budget's round trip (and a stall of this process) overlaps the wait instead of
 * following it.
 */
export const RESERVED_AHEAD = 2;

/**
 * The pacer in front of a shared budget: requests wait in this instance's queue (so `unlessNow`
 * still drops a superseded or expired push without using a slot), at most `maxInFlight` of them run
 * here, and each call starts only in a slot the budget granted. Slots are asked for one at a time,
 * never more than `RESERVED_AHEAD` held at once nor more than requests are waiting: the next one is
 * asked for as soon as the previous answer arrives, while that slot is still being waited out. A slot
 * is granted to the instance, not the request: when it comes round it starts whatever is then at the
 * head of the queue, so a request abandoned meanwhile hands its slot to the next one in line.
 */
export const sharedPacer = (
  directoryId: DirectoryId,
  options: PacingOptions,
  budget: SharedBudget,
  clock: Clock,
  logger: ConnectorLogger,
  onDepth: (depth: number) => void = () => undefined,
): Pacer => {
  let inFlight = 0;
  /** A call to the directory has ended here (see `coldLimit`): until then, one call and no slot held beside it. */
  let warm = false;
  /** A reservation is being asked for (at most one round trip at a time). */
  let asking = false;
  /** Slots granted (or being asked for) and not yet come round. */
  let held = 0;
  let successes = 0;
  let rate = options.ratePerSecond;
  let notBefore = 0;
  /** Interval between this instance's starts while its queue was not empty (its share of the rate), smoothed. */
  let interval = 1000 / options.ratePerSecond;
  let lastStart: number | undefined;
  const waiting: Waiting[] = [];
  /** Closed: nothing starts, no slot is asked for, and the waits below are cleared. */
  let closed = false;
  const timers = new Map<NodeJS.Timeout, () => void>();

  const dropAnswered = (): void => {
    while (waiting[0]?.answeredWithoutCall() === true) waiting.shift();
    onDepth(waiting.length);
  };
  /** Resolves after `ms`, or at once when the pacer closes. */
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.set(timer, resolve);
    });

  /** Asks the budget for one slot; resolves with it once granted (retrying an unreachable budget), or with `undefined` once the pacer is closed. */
  const reserve = async (): Promise<BudgetSlot | undefined> => {
    const earned = successes;
    successes = 0;
    while (!closed) {
      try {
        return await budget.reserve(directoryId, options, earned);
      } catch (e) {
        if (closed) break;
        logger.warn('shared quota budget unreachable: no call starts until it answers', {
          directoryId,
          error: e instanceof Error ? e.message : String(e),
        });
        await wait(BUDGET_RETRY_MS);
      }
    }
    return undefined;
  };

  /** The slot has come round: start the request now at the head of the queue, if any. */
  const useSlot = (): void => {
    held -= 1;
    dropAnswered();
    const next = waiting.shift();
    onDepth(waiting.length);
    if (next === undefined) return; // the slot is spent unused: the queue emptied while it came round
    const now = clock.now();
    if (lastStart !== undefined) interval = 0.8 * interval + 0.2 * Math.max(now - lastStart, 1000 / options.ratePerSecond);
    lastStart = waiting.length > 0 ? now : undefined;
    inFlight += 1;
    next.start();
  };

  const pump = (): void => {
    if (asking || closed) return;
    dropAnswered();
    // Another slot only for a request that no slot held is already meant for, and within maxInFlight.
    if (waiting.length <= held || inFlight + held >= coldLimit(options, warm) || held >= RESERVED_AHEAD) return;
    asking = true;
    held += 1;
    void reserve().then(async (slot) => {
      asking = false;
      if (slot === undefined || closed) return;
      rate = slot.ratePerSecond;
      notBefore = Math.max(notBefore, clock.now() + slot.waitMs);
      pump(); // ask for the next slot while this one is waited out
      if (slot.waitMs > 0) await wait(slot.waitMs);
      if (closed) return;
      useSlot();
      pump();
    });
  };

  return {
    schedule: <A>(task: () => Promise<A>, unlessNow?: () => A | undefined) => {
      const result = enqueue(waiting, task, unlessNow, () => {
        inFlight -= 1;
        warm = true;
        pump();
      });
      if (closed) cancelWaiting(waiting);
      onDepth(waiting.length);
      pump();
      return result;
    },
    throttled: (retryAfterMs) => {
      rate = Math.max(options.minRatePerSecond ?? 1, rate / 2);
      if (retryAfterMs !== undefined) notBefore = Math.max(notBefore, clock.now() + retryAfterMs);
      budget.throttled(directoryId, options, retryAfterMs).catch((e: unknown) => {
        logger.warn('shared quota budget unreachable: a throttling answer was not shared', {
          directoryId,
          error: e instanceof Error ? e.message : String(e),
        });
      });
    },
    succeeded: () => {
      successes += 1;
    },
    depth: () => waiting.length,
    state: () => ({ ratePerSecond: rate, notBefore, inFlight }),
    expectedWaitMs: () => Math.max(0, notBefore - clock.now()) + (waiting.length + 1) * interval,
    close: () => {
      closed = true;
      for (const [timer, resolve] of timers) {
        clearTimeout(timer);
        resolve();
      }
      timers.clear();
      cancelWaiting(waiting);
      onDepth(0);
    },
  };
};
