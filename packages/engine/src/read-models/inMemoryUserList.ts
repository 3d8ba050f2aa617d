import type { DirectoryId, DirectoryState, UserId } from '@takeover/core';
import { directoriesFrom, directoryDecider } from '@takeover/core';
import type { OwedWorkSource } from '../engine.js';
import type { LinkedAccounts } from '../dispatch/sweepState.js';
import type { Clock } from '../ports.js';
import { systemClock } from '../ports.js';
import type { ReadModel, Recorded } from './events.js';
import type { CompletionPoint, DirectoryRollout, RolloutState, UserListFilter, UserListRow, UserListView } from './userList.js';
import type { CheckedQuery, ExternalChangeCount, StoredUserRow, TrackedUser } from './userRows.js';
import { checkQuery, directoryRowAt, encodeCursor, filterProblem, sortKeyOf, storedRowOf, tallyOf, trackUser } from './userRows.js';

export interface InMemoryUserListOptions {
  /** Reads in-flight leases against it (default: the system clock). */
  readonly clock?: Clock;
  readonly leaseMs?: number;
}

export type InMemoryUserList = ReadModel & UserListView & OwedWorkSource & LinkedAccounts;

const isDirectoryEvent = (
  e: Recorded['event'],
): e is Extract<Recorded['event'], { type: 'DirectoryConnected' | 'DirectoryPolicyChanged' | 'DirectoryDisconnected' }> =>
  e.type === 'DirectoryConnected' || e.type === 'DirectoryPolicyChanged' || e.type === 'DirectoryDisconnected';

/** Whether a row (read at `now`) matches a filter. Shared meaning with the SQL views' WHERE clauses. */
export const rowMatches = (row: UserListRow, filter: UserListFilter): boolean => {
  if (filter.state !== undefined && row.state !== filter.state) return false;
  const dirs = filter.directoryId === undefined ? row.directories : row.directories.filter((d) => d.directoryId === filter.directoryId);
  if (filter.directoryId !== undefined && dirs.length === 0) return false;
  if (
    filter.sync !== undefined &&
    !dirs.some((d) => d.sync === filter.sync && (filter.failingReason === undefined || d.reason === filter.failingReason))
  )
    return false;
  if (filter.text !== undefined) {
    const needle = filter.text.trim().toLowerCase();
    if (needle !== '' && !row.email.toLowerCase().includes(needle) && !row.displayName.toLowerCase().includes(needle)) return false;
  }
  return true;
};

const emptyRollout = (
  directoryId: DirectoryId,
): Record<keyof Omit<DirectoryRollout, 'directoryId' | 'failingByReason' | 'externalChangesBySource'>, number> & {
  directoryId: DirectoryId;
  failingByReason: Record<string, number>;
  externalChangesBySource: Record<string, number>;
} => ({
  directoryId,
  bound: 0,
  awaitingFirstLogin: 0,
  inSync: 0,
  pending: 0,
  inFlight: 0,
  failing: 0,
  unresolved: 0,
  paused: 0,
  failingByReason: {},
  externalChanges: 0,
  externalChangesBySource: {},
});

const counterOf: Record<RolloutState, 'awaitingFirstLogin' | 'inSync' | 'pending' | 'inFlight' | 'failing' | 'unresolved' | 'paused'> = {
  'awaiting-first-login': 'awaitingFirstLogin',
  'in-sync': 'inSync',
  pending: 'pending',
  'in-flight': 'inFlight',
  failing: 'failing',
  unresolved: 'unresolved',
  paused: 'paused',
};

/** Counts bound users per directory and state (the overview's figures), from rows read at one moment. */
export const rolloutOf = (
  rows: Iterable<UserListRow>,
  known: Iterable<DirectoryId>,
  external: Iterable<ExternalChangeCount> = [],
): ReadonlyArray<DirectoryRollout> => {
  const byDir = new Map<DirectoryId, ReturnType<typeof emptyRollout>>();
  for (const id of known) byDir.set(id, emptyRollout(id));
  for (const row of rows) {
    for (const d of row.directories) {
      const r = byDir.get(d.directoryId) ?? emptyRollout(d.directoryId);
      byDir.set(d.directoryId, r);
      r.bound++;
      r[counterOf[d.sync]]++;
      if (d.sync === 'failing') r.failingByReason[d.reason ?? 'unknown'] = (r.failingByReason[d.reason ?? 'unknown'] ?? 0) + 1;
    }
  }
  for (const x of external) {
    const r = byDir.get(x.directoryId) ?? emptyRollout(x.directoryId);
    byDir.set(x.directoryId, r);
    r.externalChanges += x.count;
    r.externalChangesBySource[x.source] = (r.externalChangesBySource[x.source] ?? 0) + x.count;
  }
  return [...byDir.values()].sort((a, b) => (a.directoryId < b.directoryId ? -1 : a.directoryId > b.directoryId ? 1 : 0));
};

/** Cumulative completions per UTC day, from the days the currently bound users' takeovers completed. */
export const completionCurve = (days: Iterable<string>): ReadonlyArray<CompletionPoint> => {
  const perDay = new Map<string, number>();
  for (const d of days) perDay.set(d, (perDay.get(d) ?? 0) + 1);
  let total = 0;
  return [...perDay.keys()].sort().map((day) => {
    total += perDay.get(day) ?? 0;
    return { day, completed: total };
  });
};

/**
 * The user list in memory: every user folded with the core's `evolve` (one `TrackedUser` each) and
 * read through the same pure functions as the persisted views. For tests and small embedders: memory
 * grows with the users, and it is rebuilt from the whole history at each start.
 */
export const inMemoryUserList = (options: InMemoryUserListOptions = {}): InMemoryUserList => {
  const clock = options.clock ?? systemClock;
  const users = new Map<UserId, TrackedUser>();
  const rows = new Map<UserId, StoredUserRow>();
  const directories = new Map<DirectoryId, { readonly revision: number; readonly state: DirectoryState }>();
  const refresh = (id: UserId) => {
    const t = users.get(id);
    const row =
      t === undefined ? undefined : storedRowOf(t, directoriesFrom([...directories.values()].map((d) => d.state)), options.leaseMs);
    if (row === undefined) rows.delete(id);
    else rows.set(id, row);
  };
  const readAt = (row: StoredUserRow, now: number): UserListRow => ({
    userId: row.userId,
    email: row.email,
    displayName: row.displayName,
    state: row.state,
    passwordStatus: row.passwordStatus,
    updatedAt: row.updatedAt,
    directories: row.directories.map((d) => directoryRowAt(d, now)),
  });
  const matching = (filter: UserListFilter): UserListRow[] => {
    const now = clock.now();
    return [...rows.values()].map((r) => readAt(r, now)).filter((r) => rowMatches(r, filter));
  };
  const page = (q: CheckedQuery) => {
    const all = matching(q.filter);
    const dir = q.order === 'asc' ? 1 : -1;
    const cmp = (a: readonly [string, string], b: readonly [string, string]) =>
      (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) * dir;
    const keyed = all.map((r) => ({ r, k: [sortKeyOf(r, q.sort), r.userId] as const })).sort((a, b) => cmp(a.k, b.k));
    const after = q.after;
    const rest = after === undefined ? keyed : keyed.filter((x) => cmp(x.k, after) > 0);
    const taken = rest.slice(0, q.limit);
    const last = taken[taken.length - 1];
    return {
      rows: taken.map((x) => x.r),
      ...(rest.length > q.limit && last !== undefined ? { next: encodeCursor(q.sort, q.order, last.k[0], last.k[1]) } : {}),
      total: all.length,
    };
  };
  return {
    apply: (events) => {
      const touched = new Set<UserId>();
      let directoriesChanged = false;
      for (const r of events) {
        const e = r.event;
        if (isDirectoryEvent(e)) {
          const prev = directories.get(e.data.directoryId);
          if (prev !== undefined && r.revision <= prev.revision) continue;
          directories.set(e.data.directoryId, {
            revision: r.revision,
            state: directoryDecider.evolve(prev?.state ?? directoryDecider.initialState, e),
          });
          directoriesChanged = true;
        } else {
          const ue = e;
          const prev = users.get(ue.data.userId);
          const next = trackUser(prev, r.revision, ue);
          if (next !== prev) {
            users.set(ue.data.userId, next);
            touched.add(ue.data.userId);
          }
        }
      }
      for (const id of directoriesChanged ? users.keys() : touched) refresh(id);
    },
    list: (query) =>
      new Promise((resolve) => {
        resolve(page(checkQuery(query)));
      }),
    get: (userId) => {
      const row = rows.get(userId);
      return Promise.resolve(row === undefined ? undefined : readAt(row, clock.now()));
    },
    ids: (filter) => ({
      [Symbol.asyncIterator]: async function* () {
        const problem = filterProblem(filter);
        if (problem !== undefined) throw new Error(problem);
        const ids = matching(filter)
          .map((r) => r.userId)
          .sort();
        await Promise.resolve();
        yield* ids;
      },
    }),
    tally: (filter) =>
      new Promise((resolve) => {
        const problem = filterProblem(filter);
        if (problem !== undefined) throw new Error(problem);
        const now = clock.now();
        resolve(tallyOf([...rows.values()].filter((r) => rowMatches(readAt(r, now), filter))));
      }),
    owedUsers: () => ({
      [Symbol.asyncIterator]: async function* () {
        const ids = [...rows.values()]
          .filter((r) => r.owedWork)
          .map((r) => r.userId)
          .sort();
        await Promise.resolve();
        yield* ids;
      },
    }),
    knownDirectories: () => Promise.resolve([...directories.keys()].sort()),
    linkedUsers: (directoryId, externalKeys) => {
      const keys = new Set(externalKeys);
      return Promise.resolve(
        [...rows.values()].flatMap((r) =>
          r.directories
            .filter((d) => d.directoryId === directoryId && d.externalKey !== undefined && keys.has(d.externalKey))
            .map((d) => ({ externalKey: d.externalKey ?? '', userId: r.userId })),
        ),
      );
    },
    rollout: () =>
      Promise.resolve(
        rolloutOf(
          matching({}),
          [...directories.keys()],
          [...rows.values()].flatMap((r) => r.externalChanges),
        ),
      ),
    completionOverTime: (directoryId) =>
      Promise.resolve(
        completionCurve(
          [...rows.values()].flatMap((r) =>
            r.directories
              .filter((d) => d.directoryId === directoryId && d.completedAt !== undefined)
              .map((d) => (d.completedAt ?? '').slice(0, 10)),
          ),
        ),
      ),
  };
};
