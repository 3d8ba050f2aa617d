// The pure part of the user list, shared by the in-memory view and the persisted ones
// (@takeover/read-models-sqlite, -postgres): how a folded user becomes a row, how a binding's
// `SyncState` reads as a `RolloutState`, and how a query is checked and its cursor encoded.
import type { BindingStatus, DirectoryId, Directories, ExistingUser, IsoTime, UserEvent, UserState } from '@takeover/core';
import {
  DEFAULT_LEASE_MS,
  FailureClass,
  activationNoticeId,
  bindingNoticeId,
  currentBindings,
  isoTime,
  owed,
  syncStatus,
  toEpochMs,
  userDecider,
} from '@takeover/core';
import type {
  BindingReason,
  BindingTallyGroup,
  RolloutState,
  UserDirectoryRow,
  UserListFilter,
  UserListQuery,
  UserListSort,
  UserTally,
  UserTallyGroup,
} from './userList.js';

/**
 * Core's `SyncState` in the console's words (one place, so every read model agrees):
 * - `resolving` → `pending`: the account lookup is owed and waits for its turn (no lease says it runs now);
 * - `awaiting-login` → `awaiting-first-login` while the binding's takeover is not complete, else `pending`;
 * - `owed` (an attribute-only push) → `pending`;
 * - `failed` and `blocked` → `failing`, with the failure's class (`retryable`, `permanent`, `auth`) as the reason;
 * - `unresolved` → `unresolved`, with the resolution's reason; `paused`, `in-flight`, `in-sync` keep their names;
 * - except: `paused` for an active user who has not set a password yet (activation pending) and whose
 *   takeover there is not complete → `awaiting-first-login` (the rollout waits for them, nothing is wrong).
 */
export const rolloutStateOf = (
  status: BindingStatus,
  user?: { readonly state: ExistingUser['state']; readonly passwordStatus: ExistingUser['passwordStatus'] },
): { readonly sync: RolloutState; readonly reason?: BindingReason } => {
  if (status.state === 'paused' && !status.takeoverComplete && user?.state === 'active' && user.passwordStatus === 'pending')
    return { sync: 'awaiting-first-login' };
  switch (status.state) {
    case 'resolving':
      return { sync: 'pending' };
    case 'unresolved':
      return { sync: 'unresolved', ...(status.unresolved === undefined ? {} : { reason: status.unresolved.reason }) };
    case 'paused':
      return { sync: 'paused' };
    case 'awaiting-login':
      return { sync: status.takeoverComplete ? 'pending' : 'awaiting-first-login' };
    case 'owed':
      return { sync: 'pending' };
    case 'in-flight':
      return { sync: 'in-flight' };
    case 'failed':
    case 'blocked':
      return { sync: 'failing', ...(status.lastFailure === undefined ? {} : { reason: status.lastFailure.class }) };
    case 'in-sync':
      return { sync: 'in-sync' };
  }
};

/** A user as the list projections keep it: the folded state, when it last changed, and when each binding's takeover completed. */
export interface TrackedUser {
  readonly state: UserState;
  /** The user stream's last applied revision: a batch delivered again is skipped (at-least-once delivery). */
  readonly revision: number;
  readonly updatedAt: IsoTime;
  readonly completedAt: Readonly<Partial<Record<DirectoryId, IsoTime>>>;
  /** External password changes detected per directory and how they were noticed (R16); only ever grows. Absent: none. */
  readonly externalChanges?: Readonly<Partial<Record<DirectoryId, Readonly<Partial<Record<ExternalChangeSource, number>>>>>>;
}

/** How an external password change was noticed: at the user's portal login, or by the periodic sweep. */
export type ExternalChangeSource = 'login-check' | 'sweep';

/** One user's detected external password changes in one directory, noticed one way (a stored row's part). */
export interface ExternalChangeCount {
  readonly directoryId: DirectoryId;
  readonly source: ExternalChangeSource;
  readonly count: number;
}

/** Applies one user event (skipping one already applied). */
export const trackUser = (prev: TrackedUser | undefined, revision: number, event: UserEvent): TrackedUser => {
  if (prev !== undefined && revision <= prev.revision) return prev;
  const before = prev?.state ?? userDecider.initialState;
  const state = userDecider.evolve(before, event);
  const completedAt: Partial<Record<DirectoryId, IsoTime>> = { ...(prev?.completedAt ?? {}) };
  if (state.status === 'present') {
    for (const b of Object.values(state.bindings)) {
      if (b === undefined) continue;
      const was = before.status === 'present' ? before.bindings[b.directoryId] : undefined;
      if (!b.bound || !b.takeoverComplete) delete completedAt[b.directoryId];
      else if (was?.takeoverComplete !== true || was.generation !== b.generation) completedAt[b.directoryId] = event.data.at;
    }
  }
  const externalChanges = event.type === 'ExternalPasswordChangeDetected' ? countedExternal(prev, event) : prev?.externalChanges;
  return { state, revision, updatedAt: event.data.at, completedAt, ...(externalChanges === undefined ? {} : { externalChanges }) };
};

const countedExternal = (prev: TrackedUser | undefined, event: Extract<UserEvent, { type: 'ExternalPasswordChangeDetected' }>) => {
  const { directoryId, source } = event.data;
  const before = prev?.externalChanges?.[directoryId] ?? {};
  return { ...prev?.externalChanges, [directoryId]: { ...before, [source]: (before[source] ?? 0) + 1 } };
};

/** A tracked user's external change counts as rows, ordered by directory and source. */
export const externalChangeCountsOf = (tracked: TrackedUser): ReadonlyArray<ExternalChangeCount> =>
  Object.entries(tracked.externalChanges ?? {})
    .flatMap(([directoryId, bySource]) =>
      Object.entries(bySource ?? {}).map(([source, count]) => ({
        directoryId: directoryId as DirectoryId,
        source: source as ExternalChangeSource,
        count: count ?? 0,
      })),
    )
    .sort((a, b) => (a.directoryId + a.source < b.directoryId + b.source ? -1 : 1));

/** One user × bound directory as stored: the state while a lease holds and the one after it expires. */
export interface StoredDirectoryRow {
  readonly directoryId: DirectoryId;
  readonly sync: RolloutState;
  readonly reason?: BindingReason;
  /** With `sync: 'in-flight'`: when the lease expires (epoch ms), and what the binding reads as after that. */
  readonly leaseUntil?: number;
  readonly expiredSync?: RolloutState;
  readonly expiredReason?: BindingReason;
  readonly externalKey?: string;
  readonly lastSuccessAt?: IsoTime;
  readonly completedAt?: IsoTime;
  /** What decides an admin action's effects here (`UserListView.tally`). */
  readonly linked: boolean;
  readonly accountSuspended: boolean;
  readonly bindingMailOwed: boolean;
}

export interface StoredUserRow {
  readonly userId: ExistingUser['userId'];
  readonly email: string;
  readonly displayName: string;
  readonly state: ExistingUser['state'];
  readonly passwordStatus: ExistingUser['passwordStatus'];
  readonly updatedAt: IsoTime;
  readonly directories: ReadonlyArray<StoredDirectoryRow>;
  /**
   * Work is owed that needs no plaintext (a notice, a resolution, an account action, an attribute-only
   * push), or a push lease is held (a restarted instance may release its own): what `settleAll` visits.
   */
  readonly owedWork: boolean;
  /** Detected external password changes (R16), kept even after the directory is unbound: what the overview and `/metrics` count. */
  readonly externalChanges: ReadonlyArray<ExternalChangeCount>;
  /** The activation mail (R1) has been sent. */
  readonly activationSent: boolean;
}

/** Whether a user has work a restarted engine must look at without a login (see `StoredUserRow.owedWork`). */
export const owesWorkWithoutPlaintext = (u: ExistingUser, directories: Directories): boolean => {
  const o = owed(u, directories);
  return (
    o.notices.length > 0 ||
    o.resolutions.length > 0 ||
    o.accountActions.length > 0 ||
    o.pushes.some((p) => !p.needsPlaintext) ||
    currentBindings(u).some((b) => b.inFlight !== null)
  );
};

export const displayNameOf = (u: ExistingUser): string =>
  u.attributes.displayName ?? `${u.attributes.givenName} ${u.attributes.familyName}`;

/** The row of a tracked user (`undefined` while the user does not exist). */
export const storedRowOf = (tracked: TrackedUser, directories: Directories, leaseMs = DEFAULT_LEASE_MS): StoredUserRow | undefined => {
  const u = tracked.state;
  if (u.status !== 'present') return undefined;
  const held = [...syncStatus(u, directories)].sort((a, b) => (a.directoryId < b.directoryId ? -1 : a.directoryId > b.directoryId ? 1 : 0));
  return {
    userId: u.userId,
    email: u.attributes.email,
    displayName: displayNameOf(u),
    state: u.state,
    passwordStatus: u.passwordStatus,
    updatedAt: tracked.updatedAt,
    owedWork: owesWorkWithoutPlaintext(u, directories),
    externalChanges: externalChangeCountsOf(tracked),
    activationSent: u.noticesSent.includes(activationNoticeId(u.userId)),
    directories: held.map((s) => {
      const now = rolloutStateOf(s, u);
      const since = u.bindings[s.directoryId]?.inFlight?.since;
      const lease = now.sync === 'in-flight' && since !== undefined ? toEpochMs(since) + leaseMs : undefined;
      const after =
        lease === undefined
          ? undefined
          : syncStatus(u, directories, { now: isoTime(new Date(lease).toISOString()), leaseMs }).find(
              (x) => x.directoryId === s.directoryId,
            );
      const expired = after === undefined ? undefined : rolloutStateOf(after, u);
      const completedAt = tracked.completedAt[s.directoryId];
      const b = u.bindings[s.directoryId];
      const linked = b?.link.status === 'linked';
      return {
        linked,
        accountSuspended: linked && b.suspendedAccount === b.link.externalKey,
        bindingMailOwed:
          b !== undefined &&
          !b.takeoverComplete &&
          !b.boundWhilePending &&
          !u.noticesSent.includes(bindingNoticeId(u.userId, s.directoryId, b.generation)),
        directoryId: s.directoryId,
        sync: now.sync,
        ...(now.reason === undefined ? {} : { reason: now.reason }),
        ...(lease === undefined || expired === undefined
          ? {}
          : { leaseUntil: lease, expiredSync: expired.sync, ...(expired.reason === undefined ? {} : { expiredReason: expired.reason }) }),
        ...(s.externalKey === undefined ? {} : { externalKey: s.externalKey }),
        ...(s.lastSuccessAt === undefined ? {} : { lastSuccessAt: s.lastSuccessAt }),
        ...(completedAt === undefined ? {} : { completedAt }),
      };
    }),
  };
};

/** What a stored row reads as at `now` (an expired lease shows the state behind it). */
export const directoryRowAt = (row: StoredDirectoryRow, now: number): UserDirectoryRow => {
  const expired = row.leaseUntil !== undefined && row.leaseUntil <= now && row.expiredSync !== undefined;
  const sync = expired ? (row.expiredSync ?? row.sync) : row.sync;
  const reason = expired ? row.expiredReason : row.reason;
  return {
    directoryId: row.directoryId,
    sync,
    ...(reason === undefined ? {} : { reason }),
    ...(row.externalKey === undefined ? {} : { externalKey: row.externalKey }),
    ...(row.lastSuccessAt === undefined ? {} : { lastSuccessAt: row.lastSuccessAt }),
  };
};

/** A query checked once, with its defaults, the same for every implementation. */
export interface CheckedQuery {
  readonly filter: UserListFilter;
  readonly sort: UserListSort;
  readonly order: 'asc' | 'desc';
  readonly limit: number;
  /** The sort key and user id of the last row of the previous page. */
  readonly after?: readonly [string, string];
}

const rolloutStates: ReadonlyArray<RolloutState> = [
  'awaiting-first-login',
  'in-sync',
  'pending',
  'in-flight',
  'failing',
  'unresolved',
  'paused',
];

const failureClasses: ReadonlyArray<string> = Object.keys(FailureClass.keys);

/** The reason a filter is refused, or `undefined`. */
export const filterProblem = (filter: UserListFilter): string | undefined => {
  if (filter.sync !== undefined && !rolloutStates.includes(filter.sync))
    return `user list: unknown sync state '${String(filter.sync)}' (expected one of ${rolloutStates.join(', ')})`;
  if (filter.failingReason !== undefined && !failureClasses.includes(filter.failingReason))
    return `user list: unknown failingReason '${String(filter.failingReason)}' (expected one of ${failureClasses.join(', ')})`;
  if (filter.failingReason !== undefined && filter.sync !== 'failing')
    return `user list: failingReason '${filter.failingReason}' needs sync: 'failing'`;
  if (filter.state !== undefined && !['staged', 'active', 'suspended'].includes(filter.state))
    return `user list: unknown user state '${String(filter.state)}'`;
  return undefined;
};

/** Checks a query; a bad one is an `Error` naming what was wrong (the views reject with it and read nothing). */
export const checkQuery = (query: UserListQuery): CheckedQuery => {
  const filter = query.filter ?? {};
  const problem = filterProblem(filter);
  if (problem !== undefined) throw new Error(problem);
  const sort = query.sort ?? 'email';
  if (!['email', 'name', 'updated'].includes(sort))
    throw new Error(`user list: unknown sort '${String(sort)}' (expected email, name or updated)`);
  const order = query.order ?? 'asc';
  if (order !== 'asc' && order !== 'desc') throw new Error(`user list: unknown order '${String(order)}' (expected asc or desc)`);
  const limit = query.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    throw new Error(`user list: limit must be an integer from 1 to 500, got ${String(limit)}`);
  const after = query.after === undefined ? undefined : decodeCursor(query.after, sort, order);
  return { filter, sort, order, limit, ...(after === undefined ? {} : { after }) };
};

/** The key a row sorts on (with the user id as tie-breaker): lower-cased email or name, or the update time. */
export const sortKeyOf = (row: Pick<StoredUserRow, 'email' | 'displayName' | 'updatedAt'>, sort: UserListSort): string =>
  sort === 'email' ? row.email.toLowerCase() : sort === 'name' ? row.displayName.toLowerCase() : row.updatedAt;

export const encodeCursor = (sort: UserListSort, order: 'asc' | 'desc', key: string, userId: string): string =>
  Buffer.from(JSON.stringify([sort, order, key, userId]), 'utf8').toString('base64url');

const decodeCursor = (cursor: string, sort: UserListSort, order: 'asc' | 'desc'): readonly [string, string] => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new Error('user list: the cursor `after` is not one this list returned');
  }
  if (!Array.isArray(parsed) || parsed.length !== 4 || !parsed.every((x) => typeof x === 'string'))
    throw new Error('user list: the cursor `after` is not one this list returned');
  const [s, o, key, id] = parsed as [string, string, string, string];
  if (s !== sort || o !== order) throw new Error(`user list: the cursor was made for sort ${s} ${o}, not ${sort} ${order}`);
  return [key, id];
};

/** A tally's groups in one order (by every field but the count), so two implementations compare equal. */
export const sortedTally = (tally: UserTally): UserTally => {
  const key = (g: object) => JSON.stringify(Object.entries(g).filter(([k]) => k !== 'count'));
  const by = <T extends object>(xs: ReadonlyArray<T>) => [...xs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return { users: by(tally.users), bindings: by(tally.bindings) };
};

/** The tally of stored rows (the in-memory view's; the SQL views group the same columns). */
export const tallyOf = (rows: Iterable<StoredUserRow>): UserTally => {
  const users = new Map<string, UserTallyGroup>();
  const bindings = new Map<string, BindingTallyGroup>();
  for (const r of rows) {
    const u = { state: r.state, passwordStatus: r.passwordStatus, activationSent: r.activationSent, anyBinding: r.directories.length > 0 };
    const uk = JSON.stringify(u);
    users.set(uk, { ...u, count: (users.get(uk)?.count ?? 0) + 1 });
    for (const d of r.directories) {
      const b = {
        directoryId: d.directoryId,
        state: r.state,
        passwordStatus: r.passwordStatus,
        activationSent: r.activationSent,
        linked: d.linked,
        accountSuspended: d.accountSuspended,
        bindingMailOwed: d.bindingMailOwed,
      };
      const bk = JSON.stringify(b);
      bindings.set(bk, { ...b, count: (bindings.get(bk)?.count ?? 0) + 1 });
    }
  }
  return sortedTally({ users: [...users.values()], bindings: [...bindings.values()] });
};
