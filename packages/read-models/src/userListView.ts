// The user list's queries over either database, through one `all(sql)` per dialect.
import type { DirectoryId, IsoTime, PasswordStatus, UserId, UserLifecycleState } from '@takeover/core';
import type {
  BindingReason,
  Clock,
  UserListFilter,
  CompletionPoint,
  LinkedAccounts,
  LinkedUser,
  OwedWorkSource,
  DirectoryRollout,
  RolloutState,
  StoredDirectoryRow,
  UserListRow,
  UserListView,
} from '@takeover/engine';
import { checkQuery, directoryRowAt, encodeCursor, filterProblem, sortedTally, systemClock } from '@takeover/engine';
import type { Sql, Tables } from './userListSql.js';
import {
  completions,
  countInAnyDirectory,
  countInDirectory,
  countOf,
  expiredLeases,
  externalChangeCounts,
  idsOf,
  pageOf,
  storedCounts,
  userCountsOf,
  userTally,
  bindingTally,
} from './userListSql.js';

export interface SqlReader {
  readonly all: <R>(sql: Sql) => Promise<ReadonlyArray<R>>;
}

interface UserRow {
  readonly user_id: string;
  readonly email: string;
  readonly display_name: string;
  readonly state: string;
  readonly password_status: string;
  readonly updated_at: string;
  readonly sort_key?: string;
}

export interface BindingRow {
  readonly user_id: string;
  readonly directory_id: string;
  readonly sync: string;
  readonly reason: string | null;
  readonly lease_until: number | string | null;
  readonly expired_sync: string | null;
  readonly expired_reason: string | null;
  readonly external_key: string | null;
  readonly last_success_at: string | null;
  readonly completed_at: string | null;
  readonly linked: number | string;
  readonly account_suspended: number | string;
  readonly binding_mail_owed: number | string;
}

export const storedBindingOf = (r: BindingRow): StoredDirectoryRow => ({
  directoryId: r.directory_id as DirectoryId,
  sync: r.sync as RolloutState,
  linked: Number(r.linked) === 1,
  accountSuspended: Number(r.account_suspended) === 1,
  bindingMailOwed: Number(r.binding_mail_owed) === 1,
  ...(r.reason === null ? {} : { reason: r.reason as BindingReason }),
  ...(r.lease_until === null || r.expired_sync === null
    ? {}
    : { leaseUntil: Number(r.lease_until), expiredSync: r.expired_sync as RolloutState }),
  ...(r.expired_reason === null ? {} : { expiredReason: r.expired_reason as BindingReason }),
  ...(r.external_key === null ? {} : { externalKey: r.external_key }),
  ...(r.last_success_at === null ? {} : { lastSuccessAt: r.last_success_at as IsoTime }),
  ...(r.completed_at === null ? {} : { completedAt: r.completed_at as IsoTime }),
});

const counter: Record<RolloutState, 'awaitingFirstLogin' | 'inSync' | 'pending' | 'inFlight' | 'failing' | 'unresolved' | 'paused'> = {
  'awaiting-first-login': 'awaitingFirstLogin',
  'in-sync': 'inSync',
  pending: 'pending',
  'in-flight': 'inFlight',
  failing: 'failing',
  unresolved: 'unresolved',
  paused: 'paused',
};

/** How many account keys one lookup names (placeholders per statement stay well under either database's limit). */
const KEYS_PER_QUERY = 500;

interface CountRow {
  readonly directory_id: string;
  readonly s: string;
  readonly r: string | null;
  readonly n: number | string;
}

/**
 * Binding counts as read at `now`: the maintained counts by stored state, with each in-flight
 * binding whose lease has expired moved to the state behind it. Reason `''` (stored for none) reads as none.
 */
const countsAt = async (db: SqlReader, t: Tables, now: number, directoryId?: string): Promise<CountRow[]> => {
  const [stored, expired] = await Promise.all([
    db.all<CountRow>(storedCounts(t, directoryId)),
    db.all<CountRow>(expiredLeases(t, now, directoryId)),
  ]);
  const out: CountRow[] = [...stored];
  for (const e of expired) {
    out.push({ directory_id: e.directory_id, s: 'in-flight', r: '', n: -Number(e.n) });
    out.push(e);
  }
  return out.map((c) => ({ ...c, r: c.r === '' ? null : c.r }));
};

/** Whether the text filter says anything (a blank one matches everyone). */
const hasText = (filter: UserListFilter): boolean => (filter.text?.trim() ?? '') !== '';

/**
 * How many users match: from the maintained counts when the filter is none, a state, or a directory
 * with a sync state (and reason); else counted by the index that narrows it most.
 */
const totalOf = async (db: SqlReader, t: Tables, filter: UserListFilter, now: number): Promise<number> => {
  const text = hasText(filter);
  if (filter.directoryId === undefined && filter.sync === undefined && !text) {
    const rows = await db.all<{ state: string; n: number | string }>(userCountsOf(t));
    return rows.filter((r) => filter.state === undefined || r.state === filter.state).reduce((n, r) => n + Number(r.n), 0);
  }
  if (filter.directoryId !== undefined && filter.state === undefined && !text) {
    const rows = await countsAt(db, t, now, filter.directoryId);
    return rows
      .filter(
        (r) => (filter.sync === undefined || r.s === filter.sync) && (filter.failingReason === undefined || r.r === filter.failingReason),
      )
      .reduce((n, r) => n + Number(r.n), 0);
  }
  const counted = await db.all<{ n: number | string }>(
    filter.directoryId !== undefined
      ? countInDirectory(t, { ...filter, directoryId: filter.directoryId }, now)
      : filter.sync !== undefined && filter.state === undefined && !text
        ? countInAnyDirectory(t, { ...filter, sync: filter.sync }, now)
        : countOf(t, filter, now),
  );
  return Number(counted[0]?.n ?? 0);
};
export const sqlUserListView = (
  db: SqlReader,
  t: Tables,
  options: { readonly clock?: Clock } = {},
): UserListView & OwedWorkSource & LinkedAccounts => {
  const clock = options.clock ?? systemClock;
  const rowsOf = async (users: ReadonlyArray<UserRow>, now: number): Promise<UserListRow[]> => {
    if (users.length === 0) return [];
    const ids = users.map((u) => u.user_id);
    const bindings = await db.all<BindingRow>({
      text: `SELECT * FROM ${t.bindings} WHERE user_id IN (${ids.map(() => '?').join(', ')}) ORDER BY user_id, directory_id`,
      params: ids,
    });
    const byUser = new Map<string, BindingRow[]>();
    for (const b of bindings) byUser.set(b.user_id, [...(byUser.get(b.user_id) ?? []), b]);
    return users.map((u) => ({
      userId: u.user_id as UserId,
      email: u.email,
      displayName: u.display_name,
      state: u.state as UserLifecycleState,
      passwordStatus: u.password_status as PasswordStatus,
      updatedAt: u.updated_at as IsoTime,
      directories: (byUser.get(u.user_id) ?? []).map((b) => directoryRowAt(storedBindingOf(b), now)),
    }));
  };
  return {
    list: async (query) => {
      const q = checkQuery(query);
      const now = clock.now();
      const [found, total] = await Promise.all([db.all<UserRow>(pageOf(t, q, now)), totalOf(db, t, q.filter, now)]);
      const page = found.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        rows: await rowsOf(page, now),
        ...(found.length > q.limit && last !== undefined ? { next: encodeCursor(q.sort, q.order, last.sort_key ?? '', last.user_id) } : {}),
        total,
      };
    },
    get: async (userId) => {
      const found = await db.all<UserRow>({ text: `SELECT * FROM ${t.users} WHERE user_id = ?`, params: [userId] });
      return (await rowsOf(found, clock.now()))[0];
    },
    ids: (filter) => ({
      [Symbol.asyncIterator]: async function* () {
        const problem = filterProblem(filter);
        if (problem !== undefined) throw new Error(problem);
        const now = clock.now();
        let after: string | undefined;
        for (;;) {
          const page = await db.all<{ user_id: string }>(idsOf(t, filter, now, after, 500));
          for (const r of page) yield r.user_id as UserId;
          const last = page[page.length - 1];
          if (page.length < 500 || last === undefined) return;
          after = last.user_id;
        }
      },
    }),
    tally: async (filter) => {
      const problem = filterProblem(filter);
      if (problem !== undefined) throw new Error(problem);
      const now = clock.now();
      type Flag = number | string | boolean;
      const on = (x: Flag) => Number(x) === 1 || x === true;
      const [users, bindings] = await Promise.all([
        db.all<{ state: string; password_status: string; activation_sent: Flag; any_binding: Flag; n: number | string }>(
          userTally(t, filter, now),
        ),
        db.all<{
          directory_id: string;
          state: string;
          password_status: string;
          activation_sent: Flag;
          linked: Flag;
          account_suspended: Flag;
          binding_mail_owed: Flag;
          n: number | string;
        }>(bindingTally(t, filter, now)),
      ]);
      return sortedTally({
        users: users.map((u) => ({
          state: u.state as UserLifecycleState,
          passwordStatus: u.password_status as PasswordStatus,
          activationSent: on(u.activation_sent),
          anyBinding: on(u.any_binding),
          count: Number(u.n),
        })),
        bindings: bindings.map((b) => ({
          directoryId: b.directory_id as DirectoryId,
          state: b.state as UserLifecycleState,
          passwordStatus: b.password_status as PasswordStatus,
          activationSent: on(b.activation_sent),
          linked: on(b.linked),
          accountSuspended: on(b.account_suspended),
          bindingMailOwed: on(b.binding_mail_owed),
          count: Number(b.n),
        })),
      });
    },
    owedUsers: () => ({
      [Symbol.asyncIterator]: async function* () {
        let after = '';
        for (;;) {
          const page = await db.all<{ user_id: string }>({
            text: `SELECT user_id FROM ${t.users} WHERE owed_work = 1 AND user_id > ? ORDER BY user_id LIMIT 500`,
            params: [after],
          });
          for (const r of page) yield r.user_id as UserId;
          const last = page[page.length - 1];
          if (page.length < 500 || last === undefined) return;
          after = last.user_id;
        }
      },
    }),
    knownDirectories: async () =>
      (await db.all<{ directory_id: string }>({ text: `SELECT directory_id FROM ${t.directories} ORDER BY directory_id`, params: [] })).map(
        (r) => r.directory_id as DirectoryId,
      ),
    // The index on (directory_id, external_key) answers each key; bound bindings only (an unbound one has no row).
    linkedUsers: async (directoryId, externalKeys) => {
      const keys = [...new Set(externalKeys)];
      const out: LinkedUser[] = [];
      for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
        const chunk = keys.slice(i, i + KEYS_PER_QUERY);
        const rows = await db.all<{ user_id: string; external_key: string }>({
          text: `SELECT user_id, external_key FROM ${t.bindings} WHERE directory_id = ? AND external_key IN (${chunk.map(() => '?').join(', ')})
          ORDER BY external_key, user_id`,
          params: [directoryId, ...chunk],
        });
        for (const r of rows) out.push({ externalKey: r.external_key, userId: r.user_id as UserId });
      }
      return out;
    },
    rollout: async () => {
      const now = clock.now();
      const [counts, known, external] = await Promise.all([
        countsAt(db, t, now),
        db.all<{ directory_id: string }>({ text: `SELECT directory_id FROM ${t.directories}`, params: [] }),
        db.all<{ directory_id: string; source: string; n: number | string }>(externalChangeCounts(t)),
      ]);
      type Mutable = {
        -readonly [K in keyof DirectoryRollout]: K extends 'failingByReason' | 'externalChangesBySource'
          ? Record<string, number>
          : DirectoryRollout[K];
      };
      const out = new Map<string, Mutable>();
      const of = (id: string): Mutable => {
        const r = out.get(id) ?? {
          directoryId: id as DirectoryId,
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
        };
        out.set(id, r);
        return r;
      };
      for (const k of known) of(k.directory_id);
      for (const c of counts) {
        const r = of(c.directory_id);
        const n = Number(c.n);
        r.bound += n;
        r[counter[c.s as RolloutState]] += n;
        if (c.s === 'failing') r.failingByReason[c.r ?? 'unknown'] = (r.failingByReason[c.r ?? 'unknown'] ?? 0) + n;
      }
      for (const x of external) {
        const r = of(x.directory_id);
        r.externalChanges += Number(x.n);
        r.externalChangesBySource[x.source] = (r.externalChangesBySource[x.source] ?? 0) + Number(x.n);
      }
      return [...out.values()].sort((a, b) => (a.directoryId < b.directoryId ? -1 : a.directoryId > b.directoryId ? 1 : 0));
    },
    completionOverTime: async (directoryId) => {
      const days = await db.all<{ day: string; n: number | string }>(completions(t, directoryId));
      let total = 0;
      return days.map((d): CompletionPoint => {
        total += Number(d.n);
        return { day: d.day, completed: total };
      });
    },
  };
};
