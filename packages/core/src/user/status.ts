import type { DirectoryId, ExternalUserKey } from '../ids.js';
import type { IsoTime } from '../time.js';
import type { Directories } from '../directory/state.js';
import type { PushFailure } from './push.js';
import type { UnresolvedReason } from './events.js';
import type { UserState } from './state.js';
import { currentBindings } from './state.js';
import type { OwedOptions } from './todo.js';
import { pushWaitOf, isManaged, pushDue } from './todo.js';

/**
 * Where one user × directory stands, for the sync-status read model (R12: a failure stays visible
 * with its reason):
 * - `resolving`: the engine is still finding or creating the external account;
 * - `unresolved`: it could not (see `unresolved`); nothing is pushed;
 * - `paused`: the user is staged, suspended, or has no usable password, or the directory is disconnected (R7);
 * - `awaiting-login`: a push carrying the password is owed and waits for the plaintext (R3, R4);
 * - `owed`: an attribute-only push is owed and needs no login (R8, `when-changed`);
 * - `in-flight`: a push holds the lease;
 * - `failed`: the owed push failed and will be retried (retryable, or auth: the directory needs an admin);
 * - `blocked`: it failed permanently and waits for the next change;
 * - `in-sync`: the directory has the current record and password.
 */
export type SyncState = 'resolving' | 'unresolved' | 'paused' | 'awaiting-login' | 'owed' | 'in-flight' | 'failed' | 'blocked' | 'in-sync';

export interface BindingStatus {
  readonly directoryId: DirectoryId;
  readonly generation: number;
  readonly state: SyncState;
  readonly takeoverComplete: boolean;
  readonly externalKey?: ExternalUserKey;
  readonly unresolved?: { readonly reason: UnresolvedReason; readonly detail: string };
  readonly lastFailure?: PushFailure & { readonly at: IsoTime };
  readonly lastSuccessAt?: IsoTime;
}

export const syncStatus = (state: UserState, directories: Directories, options: OwedOptions = {}): ReadonlyArray<BindingStatus> => {
  if (state.status === 'absent') return [];
  return currentBindings(state).map((b) => {
    const directory = directories[b.directoryId];
    const due = pushDue(state, b, directory);
    const failedNow = due !== undefined && b.lastFailure?.pushId === due.pushId ? b.lastFailure : undefined;
    const wait = due === undefined ? undefined : pushWaitOf(b, due, options);
    const sync: SyncState =
      b.link.status === 'resolving'
        ? 'resolving'
        : b.link.status === 'unresolved'
          ? 'unresolved'
          : directory === undefined || !isManaged(state)
            ? 'paused'
            : due === undefined
              ? 'in-sync'
              : wait === 'in-flight'
                ? 'in-flight'
                : wait === 'permanent-failure'
                  ? 'blocked'
                  : failedNow !== undefined
                    ? 'failed'
                    : due.carriesPassword
                      ? 'awaiting-login'
                      : 'owed';
    return {
      directoryId: b.directoryId,
      generation: b.generation,
      state: sync,
      takeoverComplete: b.takeoverComplete,
      ...(b.link.status === 'linked' ? { externalKey: b.link.externalKey } : {}),
      ...(b.link.status === 'unresolved' ? { unresolved: { reason: b.link.reason, detail: b.link.detail } } : {}),
      ...(failedNow === undefined ? {} : { lastFailure: { ...failedNow.failure, at: failedNow.at } }),
      ...(b.lastSuccess === null ? {} : { lastSuccessAt: b.lastSuccess.at }),
    };
  });
};
