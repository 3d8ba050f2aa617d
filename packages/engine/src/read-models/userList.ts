import type { DirectoryId, FailureClass, IsoTime, PasswordStatus, UnresolvedReason, UserId, UserLifecycleState } from '@takeover/core';

/**
 * Where one user stands with one directory, in the console's words (issue 14's rollout overview):
 * - `awaiting-first-login`: bound, the takeover has not happened yet (no password pushed there);
 * - `in-sync`: the directory has the current record and password;
 * - `pending`: an update is owed and waits (for the next portal login, or for its turn);
 * - `in-flight`: a push or an account lookup is running now;
 * - `failing`: the owed push failed (retried, or waiting for an admin), with a reason code;
 * - `unresolved`: no external account could be found or created;
 * - `paused`: nothing is pushed now (the user is staged or suspended, or the directory is disconnected).
 */
export type RolloutState = 'awaiting-first-login' | 'in-sync' | 'pending' | 'in-flight' | 'failing' | 'unresolved' | 'paused';

/**
 * Why a binding is `failing` (the last failure's class: `retryable`, `permanent`, `auth`) or
 * `unresolved` (an {@link UnresolvedReason} such as `not-found` or `creation-disabled`), as a code.
 */
export type BindingReason = FailureClass | UnresolvedReason;

export interface UserListFilter {
  readonly state?: UserLifecycleState;
  /** Users bound to this directory. */
  readonly directoryId?: DirectoryId;
  /** With `directoryId`: that directory's state; without: any bound directory in that state. */
  readonly sync?: RolloutState;
  /** With `sync: 'failing'`: only bindings whose last failure is of this class (`retryable`, `permanent`, `auth`). */
  readonly failingReason?: FailureClass;
  /** Case-insensitive match on the email address or the name. */
  readonly text?: string;
}

export type UserListSort = 'email' | 'name' | 'updated';

export interface UserListQuery {
  readonly filter?: UserListFilter;
  readonly sort?: UserListSort;
  readonly order?: 'asc' | 'desc';
  /** 1–500, default 50. */
  readonly limit?: number;
  /** The `next` cursor of the previous page (keyset paging: stable under concurrent writes, no offset). */
  readonly after?: string;
}

export interface UserDirectoryRow {
  readonly directoryId: DirectoryId;
  readonly sync: RolloutState;
  /** For `failing` and `unresolved`: the reason code. */
  readonly reason?: BindingReason;
  readonly externalKey?: string;
  readonly lastSuccessAt?: IsoTime;
}

export interface UserListRow {
  readonly userId: UserId;
  readonly email: string;
  readonly displayName: string;
  readonly state: UserLifecycleState;
  readonly passwordStatus: PasswordStatus;
  readonly directories: ReadonlyArray<UserDirectoryRow>;
  readonly updatedAt: IsoTime;
}

export interface UserListPage {
  readonly rows: ReadonlyArray<UserListRow>;
  /** Present when more rows follow: pass it as `after`. */
  readonly next?: string;
  /** How many users match the filter. */
  readonly total: number;
}

/** One directory's rollout: bound users counted by `RolloutState` (GET /api/rollout). */
export interface DirectoryRollout {
  readonly directoryId: DirectoryId;
  readonly bound: number;
  readonly awaitingFirstLogin: number;
  readonly inSync: number;
  readonly pending: number;
  readonly inFlight: number;
  readonly failing: number;
  readonly unresolved: number;
  readonly paused: number;
  readonly failingByReason: Readonly<Record<string, number>>;
  /** Password changes made in this directory outside the portal and detected (R16), every one since the start, bound or not now. */
  readonly externalChanges: number;
  /** `externalChanges` by how they were noticed (`login-check`, `sweep`). */
  readonly externalChangesBySource: Readonly<Record<string, number>>;
}

/** How many bound users had completed the takeover by the end of each day (UTC), for the overview's chart. */
export interface CompletionPoint {
  readonly day: string;
  readonly completed: number;
}

/** Users matching a filter, counted by what decides an admin action's effects (`UserListView.tally`). */
export interface UserTallyGroup {
  readonly state: UserLifecycleState;
  readonly passwordStatus: PasswordStatus;
  /** The activation mail (R1) has been sent. */
  readonly activationSent: boolean;
  /** Bound to at least one directory. */
  readonly anyBinding: boolean;
  readonly count: number;
}

/** Bindings of the matching users in one directory, counted likewise (one binding per user and directory). */
export interface BindingTallyGroup {
  readonly directoryId: DirectoryId;
  readonly state: UserLifecycleState;
  readonly passwordStatus: PasswordStatus;
  readonly activationSent: boolean;
  /** An external account is linked. */
  readonly linked: boolean;
  /** The linked account is suspended by us (on suspend or unbind). */
  readonly accountSuspended: boolean;
  /** The "log in once to finish connecting" mail (R2) is still owed once the user is active: takeover not complete, not bound while pending, not sent for this binding. */
  readonly bindingMailOwed: boolean;
  readonly count: number;
}

export interface UserTally {
  readonly users: ReadonlyArray<UserTallyGroup>;
  readonly bindings: ReadonlyArray<BindingTallyGroup>;
}

/**
 * The console's user list and rollout counts, as a query port: in memory for tests and small
 * embedders, in SQLite or PostgreSQL tables (indexed, keyset-paged) for a platform. Every method is
 * asynchronous, so one contract covers all of them.
 */
export interface UserListView {
  readonly list: (query: UserListQuery) => Promise<UserListPage>;
  readonly get: (userId: UserId) => Promise<UserListRow | undefined>;
  /** Every user id matching the filter, in pages (for bulk actions on "everything matching"). */
  readonly ids: (filter: UserListFilter) => AsyncIterable<UserId>;
  /** The users matching the filter and their bindings, grouped and counted (a bulk action's preview at any size, by indexed queries). */
  readonly tally: (filter: UserListFilter) => Promise<UserTally>;
  readonly rollout: () => Promise<ReadonlyArray<DirectoryRollout>>;
  readonly completionOverTime: (directoryId: DirectoryId) => Promise<ReadonlyArray<CompletionPoint>>;
}
