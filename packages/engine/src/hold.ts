import type { PlaintextMoment, Secret, UserId } from '@takeover/core';
import type { Clock } from './ports.js';

/** One user's plaintext, waiting for the pushes it can carry. */
export interface Held {
  readonly secret: Secret;
  /** The password version this plaintext is: only a push carrying exactly this version may use it. */
  readonly passwordVersion: number;
  /** A login (every owed push) or a password change in the portal (only directories already taken over, R3). */
  readonly moment: PlaintextMoment;
  /** The event id of the login (or password change) that brought it: pushes it carries name it as their correlation id (R9). */
  readonly correlationId?: string;
  /** Epoch ms after which it is dropped, pushed or not. */
  readonly deadline: number;
}

export interface HoldOptions {
  /** How long a plaintext may wait for its pushes (default 5 minutes). */
  readonly holdMs?: number;
  /** How many users' plaintexts may wait at once (default 10,000); beyond it a new one is not held (its pushes stay owed). */
  readonly maxEntries?: number;
}

export const DEFAULT_HOLD_MS = 5 * 60_000;

/**
 * The only place a plaintext waits: in memory, one entry per user (the newest password wins), bounded
 * in count and time. Entries are dropped when their pushes are done, at their deadline (a timer), or
 * on `clear`. Nothing here is ever serialised: `Secret` redacts itself anyway.
 */
export interface PlaintextHold {
  /** Keeps the plaintext unless a newer password of this user is already held; `false` when not held (full, or older). */
  readonly put: (userId: UserId, entry: Omit<Held, 'deadline'>) => boolean;
  /** The live entry, if any (an expired one is dropped on the way). */
  readonly get: (userId: UserId) => Held | undefined;
  readonly drop: (userId: UserId) => void;
  readonly size: () => number;
  readonly clear: () => void;
}

export const plaintextHold = (clock: Clock, options: HoldOptions = {}): PlaintextHold => {
  const holdMs = options.holdMs ?? DEFAULT_HOLD_MS;
  const max = options.maxEntries ?? 10_000;
  const entries = new Map<UserId, Held & { readonly timer: NodeJS.Timeout }>();
  const drop = (userId: UserId): void => {
    const e = entries.get(userId);
    if (e === undefined) return;
    clearTimeout(e.timer);
    entries.delete(userId);
  };
  const get = (userId: UserId): Held | undefined => {
    const e = entries.get(userId);
    if (e === undefined) return undefined;
    if (clock.now() >= e.deadline) {
      drop(userId);
      return undefined;
    }
    return {
      secret: e.secret,
      passwordVersion: e.passwordVersion,
      moment: e.moment,
      deadline: e.deadline,
      ...(e.correlationId === undefined ? {} : { correlationId: e.correlationId }),
    };
  };
  return {
    put: (userId, entry) => {
      const current = get(userId);
      if (current !== undefined && current.passwordVersion > entry.passwordVersion) return false;
      if (current === undefined && entries.size >= max) return false;
      // A login after the binding already happened in this window: a password change right after it keeps the login's reach (R3).
      const moment = current?.moment === 'portal-login' && current.passwordVersion <= entry.passwordVersion ? 'portal-login' : entry.moment;
      drop(userId);
      const deadline = clock.now() + holdMs;
      const timer = setTimeout(() => drop(userId), holdMs);
      timer.unref();
      entries.set(userId, { ...entry, moment, deadline, timer });
      return true;
    },
    get,
    drop,
    size: () => entries.size,
    clear: () => {
      for (const id of [...entries.keys()]) drop(id);
    },
  };
};
