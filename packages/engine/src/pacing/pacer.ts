import type { Clock } from '../ports.js';
import type { PacingOptions } from './quotas.js';

/**
 * One directory's gate: requests start at most `rate` per second, evenly spaced, with at most
 * `maxInFlight` at once, and none before a `Retry-After` the directory gave has passed. The rate
 * halves on each throttling answer and climbs back by 1% of the quota per success. A slot that
 * started late (a busy event loop, a slow timer) is made up, but never by more than `CATCH_UP_MS`
 * of requests: the schedule is kept (a virtual clock, as in GCRA) rather than restarted from each
 * late start, so lag does not lower the rate, and no burst exceeds a tenth of a second's worth.
 */
export interface Pacer {
  /**
   * Runs `task` when the directory may be called; resolves with its result. `unlessNow`, asked when
   * the request reaches the head of the queue, may answer instead (e.g. the push was superseded or
   * its password's hold expired while it waited): then the task is not run and uses no slot.
   */
  readonly schedule: <A>(task: () => Promise<A>, unlessNow?: () => A | undefined) => Promise<A>;
  /** The directory said "slow down": halve the rate and, with `retryAfterMs`, start nothing before it passes. */
  readonly throttled: (retryAfterMs: number | undefined) => void;
  readonly succeeded: () => void;
  /** Requests waiting for a slot. */
  readonly depth: () => number;
  /** Current rate (requests per second) and the time before which nothing starts (epoch ms). */
  readonly state: () => { readonly ratePerSecond: number; readonly notBefore: number; readonly inFlight: number };
}

/** How far behind its schedule the pacer may catch up at once, in ms of requests at the current rate. */
export const CATCH_UP_MS = 100;

interface Waiting {
  /** Starts the task; or, when the request is no longer wanted, answers it and returns false. */
  readonly start: () => void;
  readonly answeredWithoutCall: () => boolean;
}

export const pacer = (options: PacingOptions, clock: Clock, onDepth: (depth: number) => void = () => undefined): Pacer => {
  const quota = options.ratePerSecond;
  const floor = Math.min(options.minRatePerSecond ?? 1, quota);
  let rate = quota;
  let nextSlot = 0;
  let notBefore = 0;
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;
  const waiting: Waiting[] = [];

  const pump = (): void => {
    if (timer !== undefined) return;
    while (waiting.length > 0 && inFlight < options.maxInFlight) {
      if (waiting[0]?.answeredWithoutCall() === true) {
        waiting.shift();
        onDepth(waiting.length);
        continue;
      }
      const now = clock.now();
      const at = Math.max(nextSlot, notBefore);
      if (at > now) {
        timer = setTimeout(() => {
          timer = undefined;
          pump();
        }, at - now);
        return;
      }
      nextSlot = Math.max(nextSlot, now - CATCH_UP_MS) + 1000 / rate;
      inFlight += 1;
      const next = waiting.shift();
      onDepth(waiting.length);
      next?.start();
    }
  };

  return {
    schedule: <A>(task: () => Promise<A>, unlessNow?: () => A | undefined) =>
      new Promise<A>((resolve, reject) => {
        waiting.push({
          start: () => {
            task()
              .then(resolve, reject)
              .finally(() => {
                inFlight -= 1;
                pump();
              });
          },
          answeredWithoutCall: () => {
            const answer = unlessNow?.();
            if (answer === undefined) return false;
            resolve(answer);
            return true;
          },
        });
        onDepth(waiting.length);
        pump();
      }),
    throttled: (retryAfterMs) => {
      rate = Math.max(floor, rate / 2);
      const now = clock.now();
      if (retryAfterMs !== undefined) notBefore = Math.max(notBefore, now + retryAfterMs);
      nextSlot = Math.max(nextSlot, now + 1000 / rate);
      if (timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
      }
      pump();
    },
    succeeded: () => {
      rate = Math.min(quota, rate + quota / 100);
    },
    depth: () => waiting.length,
    state: () => ({ ratePerSecond: rate, notBefore, inFlight }),
  };
};
