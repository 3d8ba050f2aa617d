import type { Clock } from '../ports.js';
import type { PacingOptions } from './quotas.js';

/**
 * One directory's gate: requests start at most `rate` per second, evenly spaced (no bursts), with at
 * most `maxInFlight` at once, and none before a `Retry-After` the directory gave has passed. The
 * rate halves on each throttling answer and climbs back by 1% of the quota per success.
 */
export interface Pacer {
  /** Runs `task` when the directory may be called; resolves with its result. */
  readonly schedule: <A>(task: () => Promise<A>) => Promise<A>;
  /** The directory said "slow down": halve the rate and, with `retryAfterMs`, start nothing before it passes. */
  readonly throttled: (retryAfterMs: number | undefined) => void;
  readonly succeeded: () => void;
  /** Requests waiting for a slot. */
  readonly depth: () => number;
  /** Current rate (requests per second) and the time before which nothing starts (epoch ms). */
  readonly state: () => { readonly ratePerSecond: number; readonly notBefore: number; readonly inFlight: number };
}

export const pacer = (options: PacingOptions, clock: Clock, onDepth: (depth: number) => void = () => undefined): Pacer => {
  const quota = options.ratePerSecond;
  const floor = Math.min(options.minRatePerSecond ?? 1, quota);
  let rate = quota;
  let nextSlot = 0;
  let notBefore = 0;
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;
  const waiting: Array<() => void> = [];

  const pump = (): void => {
    if (timer !== undefined) return;
    while (waiting.length > 0 && inFlight < options.maxInFlight) {
      const now = clock.now();
      const at = Math.max(nextSlot, notBefore);
      if (at > now) {
        timer = setTimeout(() => { timer = undefined; pump(); }, at - now);
        return;
      }
      nextSlot = now + 1000 / rate;
      inFlight += 1;
      const start = waiting.shift();
      onDepth(waiting.length);
      start?.();
    }
  };

  return {
    schedule: <A>(task: () => Promise<A>) => new Promise<A>((resolve, reject) => {
      waiting.push(() => {
        task().then(resolve, reject).finally(() => { inFlight -= 1; pump(); });
      });
      onDepth(waiting.length);
      pump();
    }),
    throttled: (retryAfterMs) => {
      rate = Math.max(floor, rate / 2);
      const now = clock.now();
      if (retryAfterMs !== undefined) notBefore = Math.max(notBefore, now + retryAfterMs);
      nextSlot = Math.max(nextSlot, now + 1000 / rate);
      if (timer !== undefined) { clearTimeout(timer); timer = undefined; }
      pump();
    },
    succeeded: () => { rate = Math.min(quota, rate + quota / 100); },
    depth: () => waiting.length,
    state: () => ({ ratePerSecond: rate, notBefore, inFlight }),
  };
};
