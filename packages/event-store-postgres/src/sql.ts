import type { QueryConfig } from 'pg';
import { APPEND_LOCK_CLASS, appendLockKey } from './appendLock.js';

// Aliases differ from column names: ORDER BY must sort by the xid8 column, never its text.
const columns =
  'e.global_position::text AS gp, e.tx::text AS tx_text, e.stream_id, e.revision::text AS rev, e.event_id, e.type, e.data, e.metadata, e.recorded_at';

export interface EventRow {
  readonly gp: string;
  readonly tx_text: string;
  readonly stream_id: string;
  readonly rev: string;
  readonly event_id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly recorded_at: Date;
}

/**
 * The global order's horizon: rows of transactions below it have all ended, so nothing can still
 * appear there. It is the oldest transaction running in this statement's snapshot that may append to
 * this schema: one still holding the schema's append lock (append_events takes it before its first
 * write and refuses a transaction that wrote before it, so a running transaction with an id and
 * without the lock never appends), or one no longer running (it ended after the snapshot: it may have
 * appended). With none, the snapshot's xmax: no transaction at or above it had ended then.
 * Transactions of other schemas and databases (another application's, a read model's batch) hold
 * nothing back.
 *
 * Both locks are read in one `pg_locks` scan, which sees the main lock table in one consistent view,
 * and PostgreSQL releases a transaction's advisory locks after the lock on its own id: a transaction
 * seen holding its id without the append lock never held it. The two rows are matched by the
 * backend's `pid`, not by `virtualtransaction`: while a transaction commits, pg_locks may already show
 * its advisory lock under the backend's next local id (`11/0`) and its id's lock under the old one
 * (`11/32937`); matched by that column, an appender in the middle of its commit was taken for one
 * that never appends, and a reader passed over its event for good (seen under load: the
 * global-order contract lost one event in a few thousand). Only the holder's own lock on its id
 * counts (granted, `ExclusiveLock`): a transaction waiting on another's id (a row it wants to change)
 * shows a `ShareLock` row with that id, which says nothing about the holder. A prepared transaction
 * (no `pid`) is held back.
 */
const horizon = (q: string, schema: string): string => `least(pg_snapshot_xmax(pg_current_snapshot()), (
        WITH l AS MATERIALIZED (
          SELECT locktype, transactionid, pid, granted, mode FROM pg_locks
          WHERE locktype = 'transactionid'
            OR (locktype = 'advisory' AND classid = ${String(APPEND_LOCK_CLASS)} AND objid = ${String(appendLockKey(schema))} AND objsubid = 2
              AND database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())))
        SELECT min(x.x) FROM pg_snapshot_xip(pg_current_snapshot()) AS x(x)
        WHERE NOT EXISTS (
          SELECT 1 FROM l t
          WHERE t.locktype = 'transactionid' AND t.transactionid = x.x::xid AND t.granted AND t.mode = 'ExclusiveLock' AND t.pid IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM l a WHERE a.locktype = 'advisory' AND a.pid = t.pid))))`;

/** Named (server-side prepared) statements of one schema. */
export const statements = (schema: string, q: string) => {
  const named =
    (name: string, text: string) =>
    (values: unknown[]): QueryConfig => ({ name: `takeover_${name}_${schema}`, text, values });
  return {
    append: named(
      'append',
      `SELECT outcome, version::text AS version, tx, last_position::text AS last_position
      FROM ${q}.append_events($1, $2, $3::text[], $4::text[], $5::json[], $6::json[])`,
    ),
    // One event (migration 4): scalar arguments, one text value (`appendOneRow` reads it).
    appendOne: named('append_one', `SELECT ${q}.append_event($1, $2, $3, $4, $5::json, $6::json) AS r`),
    version: named('version', `SELECT version::text AS version FROM ${q}.streams WHERE stream_id = $1`),
    byIds: named(
      'by_ids',
      `SELECT event_id, stream_id, revision::text AS revision, tx::text AS tx, global_position::text AS gp
      FROM ${q}.events WHERE event_id = ANY($1::text[])`,
    ),
    forwards: named(
      'forwards',
      `SELECT ${columns} FROM ${q}.events e
      WHERE e.stream_id = $1 AND e.revision >= $2 ORDER BY e.revision LIMIT $3`,
    ),
    backwards: named(
      'backwards',
      `SELECT ${columns} FROM ${q}.events e
      WHERE e.stream_id = $1 AND e.revision <= $2 ORDER BY e.revision DESC LIMIT $3`,
    ),
    // Only rows of transactions older than every running one that may append: no row can still appear before them.
    all: named(
      'all',
      `SELECT ${columns} FROM ${q}.events e
      WHERE (e.tx, e.global_position) > ($1::xid8, $2::int8) AND e.tx < ${horizon(q, schema)}
      ORDER BY e.tx, e.global_position LIMIT $3`,
    ),
    allPrefixed: named(
      'all_prefixed',
      `SELECT ${columns} FROM ${q}.events e
      WHERE (e.tx, e.global_position) > ($1::xid8, $2::int8) AND e.tx < ${horizon(q, schema)}
        AND starts_with(e.stream_id, $4)
      ORDER BY e.tx, e.global_position LIMIT $3`,
    ),
    loadCheckpoint: named('load_checkpoint', `SELECT position FROM ${q}.checkpoints WHERE subscription_id = $1`),
    saveCheckpoint: named(
      'save_checkpoint',
      `INSERT INTO ${q}.checkpoints (subscription_id, position) VALUES ($1, $2)
      ON CONFLICT (subscription_id) DO UPDATE SET position = excluded.position, updated_at = now()`,
    ),
  };
};

export type Statements = ReturnType<typeof statements>;
