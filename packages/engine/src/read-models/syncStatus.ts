import type { BindingStatus, DirectoryId, DirectoryState, IsoTime, PushFailure, UserId, UserState } from '@takeover/core';
import { directoriesFrom, directoryDecider, syncStatus, userDecider } from '@takeover/core';
import type { ReadModel, Recorded } from './events.js';

export interface DirectoryHealth {
  readonly directoryId: DirectoryId;
  /** The last call to it failed with an `auth` error and none has succeeded since: an admin must fix its credentials or consent. */
  readonly needsAdmin: boolean;
  readonly lastAuthFailure?: PushFailure & { readonly at: IsoTime };
}

export interface SyncStatusView extends ReadModel {
  /** Per directory bound to the user: owed / in flight / in sync / failed (with reason and time) … (core's `syncStatus`). */
  readonly status: (userId: UserId, now?: IsoTime) => ReadonlyArray<BindingStatus>;
  readonly directoryHealth: (directoryId: DirectoryId) => DirectoryHealth;
  readonly users: () => ReadonlyArray<UserId>;
}

/** Folds every user and directory stream with the core's own `evolve`, and asks the core where each binding stands. */
export const syncStatusView = (options: { readonly leaseMs?: number } = {}): SyncStatusView => {
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
            if (e.type === 'PushFailed' || e.type === 'ExternalAccountActionFailed') {
              if (e.data.failure.class === 'auth')
                health.set(e.data.directoryId, {
                  directoryId: e.data.directoryId,
                  needsAdmin: true,
                  lastAuthFailure: { ...e.data.failure, at: e.data.at },
                });
            } else if (
              e.type === 'PushSucceeded' ||
              e.type === 'ExternalAccountSuspended' ||
              e.type === 'ExternalAccountRestored' ||
              e.type === 'ExternalAccountLinked'
            ) {
              const h = health.get(e.data.directoryId);
              if (h?.needsAdmin === true) health.set(e.data.directoryId, { ...h, needsAdmin: false });
            }
          }
        }
      }
    },
    status: (userId, now) => {
      const state = users.get(userId);
      if (state === undefined) return [];
      return userStatus(state, [...directories.values()], now, options.leaseMs);
    },
    directoryHealth: (directoryId) => health.get(directoryId) ?? { directoryId, needsAdmin: false },
    users: () => [...users.keys()],
  };
};

const userStatus = (
  state: UserState,
  dirs: ReadonlyArray<DirectoryState>,
  now: IsoTime | undefined,
  leaseMs: number | undefined,
): ReadonlyArray<BindingStatus> =>
  syncStatus(state, directoriesFrom(dirs), { ...(now === undefined ? {} : { now }), ...(leaseMs === undefined ? {} : { leaseMs }) });
