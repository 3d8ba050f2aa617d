import type { Database } from 'better-sqlite3';

/** Versioned migrations, applied in order; `PRAGMA user_version` records the last one applied. */
const migrations: ReadonlyArray<string> = [
  `CREATE TABLE events (
     position    INTEGER PRIMARY KEY,
     stream_id   TEXT    NOT NULL,
     revision    INTEGER NOT NULL,
     event_id    TEXT    NOT NULL UNIQUE,
     type        TEXT    NOT NULL,
     data        TEXT    NOT NULL,
     metadata    TEXT    NOT NULL,
     recorded_at INTEGER NOT NULL,
     UNIQUE (stream_id, revision)
   );
   CREATE TABLE checkpoints (
     subscription_id TEXT PRIMARY KEY,
     position        TEXT NOT NULL,
     updated_at      INTEGER NOT NULL
   ) WITHOUT ROWID;`,
];

export const schemaVersion = migrations.length;

/** WAL with `synchronous=FULL` (an acknowledged append survives power loss), then the migrations,
 *  under `BEGIN IMMEDIATE` so several processes opening one file at once apply each step once. */
export const prepareDatabase = (db: Database, busyTimeoutMs: number): void => {
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > migrations.length) {
      throw new Error(`database schema version ${current} is newer than this adapter's ${migrations.length}`);
    }
    for (const step of migrations.slice(current)) db.exec(step);
    db.pragma(`user_version = ${migrations.length}`);
  }).immediate();
};
