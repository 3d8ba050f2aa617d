import type { UserId } from '@takeover/core';
import type { Requeue, SettleStart } from './settle.js';
import type { ConnectorLogger } from '@takeover/connector-kit';

export interface UserScheduler {
  /** Settles the user now, or once more after the settle in progress (a later request is never lost). */
  readonly schedule: (userId: UserId, start?: SettleStart) => Promise<void>;
  readonly whenSettled: (userId: UserId) => Promise<void>;
  /** Resolves when no user has work scheduled or running; with `retries`, also none armed to be tried again. */
  readonly idle: (options?: { readonly retries?: boolean }) => Promise<void>;
  /** Users with a settle armed to try their owed work again. */
  readonly armed: () => number;
  /** Cancels every armed retry and arms no more (the engine is closing). */
  readonly stop: () => void;
}

/** When a settle that left work owed is tried again: the first delay, doubled per settle that leaves work owed again, up to the cap. */
export interface RequeueOptions {
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
}

interface Armed {
  readonly timer: NodeJS.Timeout;
  /** Resolves when the timer fired (the settle is scheduled) or was cancelled. */
  readonly fired: Promise<void>;
  readonly release: () => void;
}

/**
 * One settle at a time per user in this instance, so one user's pushes to a directory never overlap
 * here. A settle that ends with work still owed that needs no plaintext (a retryable failure that
 * outlasted its call's retries or its background window, a directory paused, a store that could not
 * be read, a settle that threw, an attribute-only push another instance holds the lease of) is armed
 * to run again after a backoff: `firstDelayMs`, doubling per such settle in a row, up to
 * `maxDelayMs`, with jitter (half to all of it), and no later than such a lease's end. A settle that leaves
 * nothing owed resets it. Without this, that work would wait for the user's next command.
 */
export const userScheduler = (
  settle: (userId: UserId, start?: SettleStart) => Promise<Requeue>,
  logger: ConnectorLogger,
  requeue: RequeueOptions,
): UserScheduler => {
  const running = new Map<UserId, { again: boolean; start: SettleStart | undefined; done: Promise<void> }>();
  const armed = new Map<UserId, Armed>();
  /** Settles in a row that left work owed, per user (the backoff's exponent). */
  const leftOwed = new Map<UserId, number>();
  let stopped = false;

  const disarm = (userId: UserId): void => {
    const a = armed.get(userId);
    if (a === undefined) return;
    clearTimeout(a.timer);
    armed.delete(userId);
    a.release();
  };

  const arm = (userId: UserId, wakeWithinMs: number | undefined): void => {
    if (stopped) return;
    const n = leftOwed.get(userId) ?? 0;
    leftOwed.set(userId, n + 1);
    const ceiling = Math.min(requeue.maxDelayMs, requeue.firstDelayMs * 2 ** Math.min(n, 30));
    const backoff = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    // Another instance's lease on owed work ends sooner: come back as it ends (1 ms after), not a whole backoff later.
    const delay = wakeWithinMs === undefined ? backoff : Math.min(backoff, wakeWithinMs + 1);
    disarm(userId);
    let release = (): void => undefined;
    const fired = new Promise<void>((resolve) => {
      release = resolve;
    });
    const timer = setTimeout(() => {
      armed.delete(userId);
      void schedule(userId);
      release();
    }, delay);
    // An armed retry does not keep the process alive: a host that stops settles what is owed at its next start (`settleAll`).
    timer.unref();
    armed.set(userId, { timer, fired, release });
  };

  const schedule = (userId: UserId, start?: SettleStart): Promise<void> => {
    const current = running.get(userId);
    if (current !== undefined) {
      // The settle in progress appends after that command's state: the next one reads the stream instead of starting from a stale state.
      current.start = undefined;
      current.again = true;
      return current.done;
    }
    disarm(userId); // settles now instead; re-armed if it leaves work owed
    const entry = { again: false, start, done: Promise.resolve() };
    entry.done = (async () => {
      // Starts on the next turn of the event loop: the command that scheduled it answers its caller
      // first (the settle's own work, up to its first database call, is not part of a login's latency).
      await new Promise<void>((resolve) => {
        setImmediate(resolve);
      });
      let left: Requeue = { owedLeft: false };
      do {
        entry.again = false;
        const from = entry.start;
        entry.start = undefined;
        try {
          left = await settle(userId, from);
        } catch (e) {
          left = { owedLeft: true };
          logger.error('settle failed', { userId, error: e instanceof Error ? e.name : 'unknown' });
        }
      } while (entry.again);
      running.delete(userId);
      if (left.owedLeft) arm(userId, left.wakeWithinMs);
      else leftOwed.delete(userId);
    })();
    running.set(userId, entry);
    return entry.done;
  };
  return {
    schedule,
    whenSettled: (userId) => running.get(userId)?.done ?? Promise.resolve(),
    idle: async (options) => {
      const withRetries = options?.retries === true;
      while (running.size > 0 || (withRetries && armed.size > 0)) {
        await Promise.all([...[...running.values()].map((r) => r.done), ...(withRetries ? [...armed.values()].map((a) => a.fired) : [])]);
      }
    },
    armed: () => armed.size,
    stop: () => {
      stopped = true;
      for (const userId of [...armed.keys()]) disarm(userId);
    },
  };
};
