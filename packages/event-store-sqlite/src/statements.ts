import type { Database, Statement } from 'better-sqlite3';

export interface EventRow {
  readonly position: number;
  readonly stream_id: string;
  readonly revision: number;
  readonly event_id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
  readonly recorded_at: number;
}

const columns = 'position, stream_id, revision, event_id, type, data, metadata, recorded_at';

type Id = { id: string; streamId: string; revision: number; position: number };

export interface Statements {
  readonly version: Statement<[string], { v: number | null }>;
  readonly byId: Statement<[string], Id>;
  readonly insert: Statement<[string, number, string, string, string, string, number]>;
  readonly forwards: Statement<[string, number, number], EventRow>;
  readonly backwards: Statement<[string, number, number], EventRow>;
  readonly all: Statement<[number, number], EventRow>;
  readonly allPrefixed: Statement<[number, number, string, number], EventRow>;
  readonly loadCheckpoint: Statement<[string], { position: string }>;
  readonly saveCheckpoint: Statement<[string, string, number]>;
}

/** Every statement the adapter runs, prepared once per connection. */
export const prepareStatements = (db: Database): Statements => ({
  version: db.prepare<[string], { v: number | null }>('SELECT max(revision) AS v FROM events WHERE stream_id = ?'),
  byId: db.prepare<[string], Id>('SELECT event_id AS id, stream_id AS streamId, revision, position FROM events WHERE event_id = ?'),
  insert: db.prepare<[string, number, string, string, string, string, number]>(
    'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ),
  forwards: db.prepare<[string, number, number], EventRow>(
    `SELECT ${columns} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`,
  ),
  backwards: db.prepare<[string, number, number], EventRow>(
    `SELECT ${columns} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
  ),
  all: db.prepare<[number, number], EventRow>(`SELECT ${columns} FROM events WHERE position > ? ORDER BY position LIMIT ?`),
  allPrefixed: db.prepare<[number, number, string, number], EventRow>(
    `SELECT ${columns} FROM events WHERE position > ? AND substr(stream_id, 1, ?) = ? ORDER BY position LIMIT ?`,
  ),
  loadCheckpoint: db.prepare<[string], { position: string }>('SELECT position FROM checkpoints WHERE subscription_id = ?'),
  saveCheckpoint: db.prepare<[string, string, number]>(
    `INSERT INTO checkpoints (subscription_id, position, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (subscription_id) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
  ),
});
