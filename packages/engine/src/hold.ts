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
  /**
   * How long a plaintext may wait at most when a directory's paced queue needs longer than `holdMs`
   * to reach its push (default 3 × `holdMs`): the window is stretched to the queue's expected drain,
   * never past this bound from the moment the plaintext arrived.
   */
  readonly maxHoldMs?: number;
}

export const DEFAULT_HOLD_MS = 5 * 60_000;

/** The longest a plaintext may be held, stretched windows included. */
export const maxHoldMsOf = (options: HoldOptions = {}): number =>
  Math.max(options.holdMs ?? DEFAULT_HOLD_MS, options.maxHoldMs ?? 3 * (options.holdMs ?? DEFAULT_HOLD_MS));

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
  /**
   * Stretches the window of this user's plaintext of `passwordVersion` to `until` (epoch ms), never
   * past `maxHoldMs` after it arrived. Returns the deadline now in force (undefined when not held).
   */
  readonly extend: (userId: UserId, passwordVersion: number, until: number) => number | undefined;
  readonly drop: (userId: UserId) => void;
  readonly size: () => number;
  readonly clear: () => void;
}

export const plaintextHold = (clock: Clock, options: HoldOptions = {}): PlaintextHold => {
  const holdMs = options.holdMs ?? DEFAULT_HOLD_MS;
  const max = options.maxEntries ?? 10_000;
  const maxHoldMs = maxHoldMsOf(options);
  const entries = new Map<UserId, Held & { readonly timer: NodeJS.Timeout; readonly arrived: number }>();
  const expireAt = (userId: UserId, deadline: number): NodeJS.Timeout => {
    const timer = setTimeout(() => drop(userId), Math.max(0, deadline - clock.now()));
    timer.unref();
    return timer;
  };
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
    // On a login's path: no copy of the entry, and a user's entry is replaced in place (deleting it
    // first would make a small map shrink and grow again on every login).
    put: (userId, entry) => {
      const arrived = clock.now();
      let current = entries.get(userId);
      if (current !== undefined && arrived >= current.deadline) {
        drop(userId);
        current = undefined;
      }
      if (current !== undefined && current.passwordVersion > entry.passwordVersion) return false;
      if (current === undefined && entries.size >= max) return false;
      // A login after the binding already happened in this window: a password change right after it keeps the login's reach (R3).
      const moment = current?.moment === 'portal-login' && current.passwordVersion <= entry.passwordVersion ? 'portal-login' : entry.moment;
      if (current !== undefined) clearTimeout(current.timer);
      const deadline = arrived + holdMs;
      entries.set(userId, {
        secret: entry.secret,
        passwordVersion: entry.passwordVersion,
        moment,
        ...(entry.correlationId === undefined ? {} : { correlationId: entry.correlationId }),
        deadline,
        arrived,
        timer: expireAt(userId, deadline),
      });
      return true;
    },
    get,
    extend: (userId, passwordVersion, until) => {
      const current = get(userId);
      const e = entries.get(userId);
      if (current === undefined || e === undefined || current.passwordVersion !== passwordVersion) return undefined;
      const deadline = Math.min(e.arrived + maxHoldMs, Math.max(e.deadline, until));
      if (deadline === e.deadline) return deadline;
      clearTimeout(e.timer);
      entries.set(userId, { ...e, deadline, timer: expireAt(userId, deadline) });
      return deadline;
    },
    drop,
    size: () => entries.size,
    clear: () => {
      for (const id of [...entries.keys()]) drop(id);
    },
  };
};
