import type { BindingStatus, DirectoryId, DirectoryState, IsoTime, PushFailure, UserId, UserState } from '@takeover/core';
import { directoriesFrom, directoryDecider, syncStatus, userDecider } from '@takeover/core';
import type { ReadModel, Recorded } from './events.js';

export interface DirectoryHealth {
  readonly directoryId: DirectoryId;
  /** The last call to it failed with an `auth` error and none has succeeded since: an admin must fix its credentials or consent. */
  readonly needsAdmin: boolean;
  readonly lastAuthFailure?: PushFailure & { readonly at: IsoTime };
}

/** Whether a directory needs an admin: in memory (`syncStatusView()`) or in a table kept by a projection. */
export interface DirectoryHealthView {
  readonly directoryHealth: (directoryId: DirectoryId) => Promise<DirectoryHealth>;
}

/** Where each user's bindings stand, and each directory's health. Every query is asynchronous, so a table-backed view fits the same port. */
export interface SyncStatusView extends DirectoryHealthView {
  /** Per directory bound to the user: owed / in flight / in sync / failed (with reason and time) … (core's `syncStatus`). */
  readonly forUser: (userId: UserId, now?: IsoTime) => Promise<ReadonlyArray<BindingStatus>>;
  readonly users: () => Promise<ReadonlyArray<UserId>>;
}

/**
 * How one event changes its directory's health (`undefined`: it does not): an `auth` failure marks
 * the directory as needing an admin; a later success there clears the mark (`needsAdmin: false`,
 * the last auth failure kept). `at` is the event's time (a table-backed view orders by it).
 */
export type HealthStep =
  | {
      readonly directoryId: DirectoryId;
      readonly at: IsoTime;
      readonly needsAdmin: true;
      readonly lastAuthFailure: PushFailure & { readonly at: IsoTime };
    }
  | { readonly directoryId: DirectoryId; readonly at: IsoTime; readonly needsAdmin: false };

export const healthStep = (r: Recorded): HealthStep | undefined => {
  const e = r.event;
  if (e.type === 'PushFailed' || e.type === 'ExternalAccountActionFailed') {
    return e.data.failure.class === 'auth'
      ? { directoryId: e.data.directoryId, at: e.data.at, needsAdmin: true, lastAuthFailure: { ...e.data.failure, at: e.data.at } }
      : undefined;
  }
  if (
    e.type === 'PushSucceeded' ||
    e.type === 'ExternalAccountSuspended' ||
    e.type === 'ExternalAccountRestored' ||
    e.type === 'ExternalAccountLinked'
  ) {
    return { directoryId: e.data.directoryId, at: e.data.at, needsAdmin: false };
  }
  return undefined;
};

/** Folds every user and directory stream with the core's own `evolve`, and asks the core where each binding stands. */
export const syncStatusView = (options: { readonly leaseMs?: number } = {}): SyncStatusView & ReadModel => {
  const users = new Map<UserId, UserState>();
  const directories = new Map<DirectoryId, DirectoryState>();
  const health = new Map<DirectoryId, DirectoryHealth>();
  const seen = new Set<string>();
  return {
    apply: (events: ReadonlyArray<Recorded>) => {
      for (const r of events) {
        if (seen.has(r.id)) continue;
        seen.add(r.id);
        const e = r.event;
        switch (e.type) {
          case 'DirectoryConnected':
          case 'DirectoryPolicyChanged':
          case 'DirectoryDisconnected': {
            const id = e.data.directoryId;
            directories.set(id, directoryDecider.evolve(directories.get(id) ?? directoryDecider.initialState, e));
            break;
          }
          default: {
            const id = e.data.userId;
            users.set(id, userDecider.evolve(users.get(id) ?? userDecider.initialState, e));
            const step = healthStep(r);
            if (step?.needsAdmin === true)
              health.set(step.directoryId, { directoryId: step.directoryId, needsAdmin: true, lastAuthFailure: step.lastAuthFailure });
            else if (step !== undefined) {
              const h = health.get(step.directoryId);
              if (h?.needsAdmin === true) health.set(step.directoryId, { ...h, needsAdmin: false });
            }
          }
        }
      }
    },
    forUser: (userId, now) => {
      const state = users.get(userId);
      return Promise.resolve(state === undefined ? [] : userStatus(state, [...directories.values()], now, options.leaseMs));
    },
    directoryHealth: (directoryId) => Promise.resolve(health.get(directoryId) ?? { directoryId, needsAdmin: false }),
    users: () => Promise.resolve([...users.keys()]),
  };
};

const userStatus = (
  state: UserState,
  dirs: ReadonlyArray<DirectoryState>,
  now: IsoTime | undefined,
  leaseMs: number | undefined,
): ReadonlyArray<BindingStatus> =>
  syncStatus(state, directoriesFrom(dirs), { ...(now === undefined ? {} : { now }), ...(leaseMs === undefined ? {} : { leaseMs }) });
