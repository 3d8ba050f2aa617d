import type { Clock } from '../ports.js';
import type { PacingOptions } from './quotas.js';

/**
 * One directory's gate: requests start at most `rate` per second, evenly spaced, with at most
 * `maxInFlight` at once, and none before a `Retry-After` the directory gave has passed. The rate
 * halves on each throttling answer and climbs back by 1% of the quota per success. A slot that
 * started late (a busy event loop, a slow timer) is made up, but never by more than `catchUpMs`
 * (default `CATCH_UP_MS`) of requests: the schedule is kept (a virtual clock, as in GCRA) rather
 * than restarted from each late start, so lag does not lower the rate, and no burst exceeds that
 * much worth of requests (nor `maxInFlight`). Until the first call has ended, it runs alone
 * (`firstCallAlone`, see `coldLimit`).
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
  /** How long a request queued now would wait for its slot, at the current rate (ms). */
  readonly expectedWaitMs: () => number;
  /**
   * Stops the pacer (the engine's `close`, once its work is done or its deadline passed): no call starts after it, its
   * timers are cleared and a shared budget is asked no more. A request still waiting is answered by
   * its `unlessNow` when that has an answer, otherwise its promise rejects with `PacerClosed`.
   * Calls already started run to their end.
   */
  readonly close: () => void;
}

/** Why a request still waiting in a pacer when it was closed did not run. */
export class PacerClosed extends Error {
  constructor() {
    super('the directory pacer was closed before this request got its slot');
    this.name = 'PacerClosed';
  }
}

/** How far behind its schedule the pacer may catch up at once, in ms of requests at the current rate, unless `catchUpMs` says otherwise. */
export const CATCH_UP_MS = 100;

/**
 * How many calls may be in flight: one until a first call to the directory has ended here, then
 * `maxInFlight` (why: `PacingOptions.firstCallAlone`; measured: docs/engine.md, Pacing).
 */
export const coldLimit = (options: PacingOptions, warm: boolean): number =>
  warm || options.firstCallAlone === false ? options.maxInFlight : Math.min(1, options.maxInFlight);

/** A request in a pacer's queue. */
export interface Waiting {
  /** Starts the task. */
  readonly start: () => void;
  /** Asked at the head of the queue: answers the request without a call (and returns true) when it is no longer wanted. */
  readonly answeredWithoutCall: () => boolean;
  /** The pacer closed before the request started: answered by `unlessNow` if it can, else rejected with `PacerClosed`. */
  readonly cancel: () => void;
}

/** Empties `waiting` for a closed pacer (see `Waiting.cancel`). */
export const cancelWaiting = (waiting: Waiting[]): void => {
  for (const w of waiting.splice(0)) w.cancel();
};

/**
 * Puts `task` in `waiting` (the queue both pacers keep); the promise settles with the task's result,
 * or with `unlessNow`'s answer when that answers first. `settled` runs once a started task has ended.
 */
export const enqueue = <A>(
  waiting: Waiting[],
  task: () => Promise<A>,
  unlessNow: (() => A | undefined) | undefined,
  settled: () => void,
): Promise<A> =>
  new Promise<A>((resolve, reject) => {
    waiting.push({
      start: () => {
        task().then(resolve, reject).finally(settled);
      },
      answeredWithoutCall: () => {
        const answer = unlessNow?.();
        if (answer === undefined) return false;
        resolve(answer);
        return true;
      },
      cancel: () => {
        const answer = unlessNow?.();
        if (answer === undefined) reject(new PacerClosed());
        else resolve(answer);
      },
    });
  });

export const pacer = (options: PacingOptions, clock: Clock, onDepth: (depth: number) => void = () => undefined): Pacer => {
  const quota = options.ratePerSecond;
  const floor = Math.min(options.minRatePerSecond ?? 1, quota);
  const catchUpMs = options.catchUpMs ?? CATCH_UP_MS;
  if (!(Number.isFinite(catchUpMs) && catchUpMs >= 0))
    throw new RangeError(`catchUpMs must be a non-negative number of milliseconds, got ${catchUpMs}`);
  let rate = quota;
  let nextSlot = 0;
  let notBefore = 0;
  let inFlight = 0;
  /** A call to the directory has ended here (see `coldLimit`). */
  let warm = false;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const waiting: Waiting[] = [];

  const pump = (): void => {
    if (timer !== undefined || closed) return;
    while (waiting.length > 0 && inFlight < coldLimit(options, warm)) {
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
      nextSlot = Math.max(nextSlot, now - catchUpMs) + 1000 / rate;
      inFlight += 1;
      const next = waiting.shift();
      onDepth(waiting.length);
      next?.start();
    }
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
    expectedWaitMs: () => {
      const now = clock.now();
      return Math.max(0, Math.max(nextSlot, notBefore) - now) + (waiting.length * 1000) / rate;
    },
    close: () => {
      closed = true;
      if (timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
      }
      cancelWaiting(waiting);
      onDepth(0);
    },
  };
};
