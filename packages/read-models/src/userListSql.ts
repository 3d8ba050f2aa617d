// The user list's SQL, shared by the SQLite and PostgreSQL views: one query builder, two dialects
// (placeholders; PostgreSQL's text columns use COLLATE "C" so both order as the in-memory view does).
import type { CheckedQuery, RolloutState, UserListFilter } from '@takeover/engine';

export interface Tables {
  readonly users: string;
  readonly bindings: string;
  readonly directories: string;
  /** Detected external password changes per user, directory and source (R16): kept after an unbind. */
  readonly externalChanges: string;
  /** Maintained by the projection in the same transaction as the rows: bindings per directory, stored sync state and reason (`''` for none). */
  readonly bindingCounts: string;
  /** Maintained likewise: users per lifecycle state. */
  readonly userCounts: string;
}

/** A statement with `?` placeholders (PostgreSQL's adapter numbers them). */
export interface Sql {
  readonly text: string;
  readonly params: ReadonlyArray<unknown>;
}

const sortColumn = { email: 'u.email_key', name: 'u.name_key', updated: 'u.updated_at' } as const;

/** What a binding reads as at `now`: an expired lease shows the state stored behind it. */
const syncAt = (sync: RolloutState, reason: string | undefined, now: number): Sql => {
  if (sync === 'in-flight') return { text: `(d.sync = 'in-flight' AND d.lease_until > ?)`, params: [now] };
  return reason === undefined
    ? { text: `(d.sync = ? OR (d.sync = 'in-flight' AND d.lease_until <= ? AND d.expired_sync = ?))`, params: [sync, now, sync] }
    : {
        text: `((d.sync = ? AND d.reason = ?) OR (d.sync = 'in-flight' AND d.lease_until <= ? AND d.expired_sync = ? AND d.expired_reason = ?))`,
        params: [sync, reason, now, sync, reason],
      };
};

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The WHERE clause of a filter over `u` (users), with an EXISTS on `d` (bindings) when the filter names a directory or a sync state. */
export const whereOf = (t: Tables, filter: UserListFilter, now: number): Sql => {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (filter.state !== undefined) {
    parts.push('u.state = ?');
    params.push(filter.state);
  }
  if (filter.directoryId !== undefined || filter.sync !== undefined) {
    const inner: string[] = ['d.user_id = u.user_id'];
    if (filter.directoryId !== undefined) {
      inner.push('d.directory_id = ?');
      params.push(filter.directoryId);
    }
    if (filter.sync !== undefined) {
      const s = syncAt(filter.sync, filter.failingReason, now);
      inner.push(s.text);
      params.push(...s.params);
    }
    parts.push(`EXISTS (SELECT 1 FROM ${t.bindings} d WHERE ${inner.join(' AND ')})`);
  }
  const needle = filter.text?.trim().toLowerCase() ?? '';
  if (needle !== '') {
    parts.push(`(u.email_key LIKE ? ESCAPE '\\' OR u.name_key LIKE ? ESCAPE '\\')`);
    params.push(`%${escapeLike(needle)}%`, `%${escapeLike(needle)}%`);
  }
  return { text: parts.length === 0 ? '' : `WHERE ${parts.join(' AND ')}`, params };
};

/** One page by keyset: `limit + 1` rows, so the caller knows whether a next page exists. */
export const pageOf = (t: Tables, q: CheckedQuery, now: number): Sql => {
  const where = whereOf(t, q.filter, now);
  const col = sortColumn[q.sort];
  const cmp = q.order === 'asc' ? '>' : '<';
  const dir = q.order === 'asc' ? 'ASC' : 'DESC';
  const keyset = q.after === undefined ? undefined : `(${col}, u.user_id) ${cmp} (?, ?)`;
  const text = keyset === undefined ? where.text : where.text === '' ? `WHERE ${keyset}` : `${where.text} AND ${keyset}`;
  return {
    text: `SELECT u.user_id, u.email, u.display_name, u.state, u.password_status, u.updated_at, ${col} AS sort_key FROM ${t.users} u ${text} ORDER BY ${col} ${dir}, u.user_id ${dir} LIMIT ?`,
    params: [...where.params, ...(q.after === undefined ? [] : q.after), q.limit + 1],
  };
};

export const countOf = (t: Tables, filter: UserListFilter, now: number): Sql => {
  const where = whereOf(t, filter, now);
  return { text: `SELECT count(*) AS n FROM ${t.users} u ${where.text}`, params: where.params };
};

/** Every matching id after `afterId`, in id order (for `ids(filter)`). */
export const idsOf = (t: Tables, filter: UserListFilter, now: number, afterId: string | undefined, limit: number): Sql => {
  const where = whereOf(t, filter, now);
  const keyset = afterId === undefined ? undefined : 'u.user_id > ?';
  const text = keyset === undefined ? where.text : where.text === '' ? `WHERE ${keyset}` : `${where.text} AND ${keyset}`;
  return {
    text: `SELECT u.user_id FROM ${t.users} u ${text} ORDER BY u.user_id LIMIT ?`,
    params: [...where.params, ...(afterId === undefined ? [] : [afterId]), limit],
  };
};

/**
 * Bound users per directory and state as read at `now` (expired leases counted as the state behind
 * them), by a scan of every binding: what the maintained counts (`storedCounts` + `expiredLeases`)
 * must always equal (the contract tests compare them); not on the overview's path.
 */
export const rolloutCounts = (t: Tables, now: number): Sql => ({
  text: `SELECT directory_id, CASE WHEN sync = 'in-flight' AND lease_until <= ? THEN expired_sync ELSE sync END AS s,
    CASE WHEN sync = 'in-flight' AND lease_until <= ? THEN expired_reason ELSE reason END AS r, count(*) AS n
    FROM ${t.bindings} GROUP BY 1, 2, 3`,
  params: [now, now],
});

/** The maintained binding counts (by stored state: an in-flight one is counted in-flight whatever its lease), optionally of one directory. */
export const storedCounts = (t: Tables, directoryId?: string): Sql =>
  directoryId === undefined
    ? { text: `SELECT directory_id, sync AS s, reason AS r, n FROM ${t.bindingCounts} WHERE n <> 0`, params: [] }
    : {
        text: `SELECT directory_id, sync AS s, reason AS r, n FROM ${t.bindingCounts} WHERE directory_id = ? AND n <> 0`,
        params: [directoryId],
      };

/** In-flight bindings whose lease has expired at `now`, by the state behind them (few: the lease index's rows only). */
export const expiredLeases = (t: Tables, now: number, directoryId?: string): Sql => ({
  text: `SELECT directory_id, 'in-flight' AS f, expired_sync AS s, coalesce(expired_reason, '') AS r, count(*) AS n FROM ${t.bindings}
    WHERE lease_until <= ? AND sync = 'in-flight'${directoryId === undefined ? '' : ' AND directory_id = ?'} GROUP BY 1, 2, 3, 4`,
  params: directoryId === undefined ? [now] : [now, directoryId],
});

/** The maintained user counts per lifecycle state. */
export const userCountsOf = (t: Tables): Sql => ({ text: `SELECT state, n FROM ${t.userCounts}`, params: [] });

/**
 * The count of a filter naming a directory, driven by the bindings' (directory, sync, reason) index
 * (one binding per user and directory, so bindings counted are users), joined to the users only for
 * a state or text condition.
 */
export const countInDirectory = (t: Tables, filter: UserListFilter & { readonly directoryId: string }, now: number): Sql => {
  const parts: string[] = ['d.directory_id = ?'];
  const params: unknown[] = [filter.directoryId];
  if (filter.sync !== undefined) {
    const s = syncAt(filter.sync, filter.failingReason, now);
    parts.push(s.text);
    params.push(...s.params);
  }
  const needle = filter.text?.trim().toLowerCase() ?? '';
  const join = filter.state !== undefined || needle !== '';
  if (filter.state !== undefined) {
    parts.push('u.state = ?');
    params.push(filter.state);
  }
  if (needle !== '') {
    parts.push(`(u.email_key LIKE ? ESCAPE '\\' OR u.name_key LIKE ? ESCAPE '\\')`);
    params.push(`%${escapeLike(needle)}%`, `%${escapeLike(needle)}%`);
  }
  return {
    text: `SELECT count(*) AS n FROM ${t.bindings} d${join ? ` JOIN ${t.users} u ON u.user_id = d.user_id` : ''} WHERE ${parts.join(' AND ')}`,
    params,
  };
};

export const completions = (t: Tables, directoryId: string): Sql => ({
  text: `SELECT substr(completed_at, 1, 10) AS day, count(*) AS n FROM ${t.bindings} WHERE directory_id = ? AND completed_at IS NOT NULL GROUP BY 1 ORDER BY 1`,
  params: [directoryId],
});

/** Detected external password changes per directory and source, every user's (`rollout`, `/metrics`). */
export const externalChangeCounts = (t: Tables): Sql => ({
  text: `SELECT directory_id, source, sum(n) AS n FROM ${t.externalChanges} GROUP BY 1, 2`,
  params: [],
});

/** The matching users grouped by what decides an admin action's effects (`UserListView.tally`). */
export const userTally = (t: Tables, filter: UserListFilter, now: number): Sql => {
  const where = whereOf(t, filter, now);
  return {
    text: `SELECT u.state, u.password_status, u.activation_sent, CASE WHEN u.bound > 0 THEN 1 ELSE 0 END AS any_binding, count(*) AS n
      FROM ${t.users} u ${where.text} GROUP BY 1, 2, 3, 4`,
    params: where.params,
  };
};

/** Their bindings, per directory, grouped likewise. */
export const bindingTally = (t: Tables, filter: UserListFilter, now: number): Sql => {
  const where = whereOf(t, filter, now);
  return {
    text: `SELECT b.directory_id, u.state, u.password_status, u.activation_sent, b.linked, b.account_suspended, b.binding_mail_owed, count(*) AS n
      FROM ${t.users} u JOIN ${t.bindings} b ON b.user_id = u.user_id ${where.text} GROUP BY 1, 2, 3, 4, 5, 6, 7`,
    params: where.params,
  };
};

/** The count of a filter on a sync state in any directory only: distinct users among the bindings in that state (the bindings' sync index), not a probe per user. */
export const countInAnyDirectory = (t: Tables, filter: UserListFilter & { readonly sync: RolloutState }, now: number): Sql => {
  const s = syncAt(filter.sync, filter.failingReason, now);
  return { text: `SELECT count(*) AS n FROM (SELECT DISTINCT d.user_id FROM ${t.bindings} d WHERE ${s.text}) AS m`, params: s.params };
};
