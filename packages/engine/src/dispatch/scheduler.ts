import type { UserId } from '@takeover/core';
import type { ConnectorLogger } from '@takeover/connector-kit';

export interface UserScheduler {
  /** Settles the user now, or once more after the settle in progress (a later request is never lost). */
  readonly schedule: (userId: UserId) => Promise<void>;
  readonly whenSettled: (userId: UserId) => Promise<void>;
  /** Resolves when no user has work scheduled or running. */
  readonly idle: () => Promise<void>;
}

/** One settle at a time per user in this instance, so one user's pushes to a directory never overlap here. */
export const userScheduler = (settle: (userId: UserId) => Promise<void>, logger: ConnectorLogger): UserScheduler => {
  const running = new Map<UserId, { again: boolean; done: Promise<void> }>();
  const schedule = (userId: UserId): Promise<void> => {
    const current = running.get(userId);
    if (current !== undefined) {
      current.again = true;
      return current.done;
    }
    const entry = { again: false, done: Promise.resolve() };
    entry.done = (async () => {
      do {
        entry.again = false;
        try {
          await settle(userId);
        } catch (e) {
          logger.error('settle failed', { userId, error: e instanceof Error ? e.name : 'unknown' });
        }
      } while (entry.again);
      running.delete(userId);
    })();
    running.set(userId, entry);
    return entry.done;
  };
  return {
    schedule,
    whenSettled: (userId) => running.get(userId)?.done ?? Promise.resolve(),
    idle: async () => {
      while (running.size > 0) await Promise.all([...running.values()].map((r) => r.done));
    },
  };
};
