import type { QueryConfig } from 'pg';

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
    // Only rows of transactions older than every running one: no row can still appear before them.
    all: named(
      'all',
      `SELECT ${columns} FROM ${q}.events e
      WHERE (e.tx, e.global_position) > ($1::xid8, $2::int8) AND e.tx < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY e.tx, e.global_position LIMIT $3`,
    ),
    allPrefixed: named(
      'all_prefixed',
      `SELECT ${columns} FROM ${q}.events e
      WHERE (e.tx, e.global_position) > ($1::xid8, $2::int8) AND e.tx < pg_snapshot_xmin(pg_current_snapshot())
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
