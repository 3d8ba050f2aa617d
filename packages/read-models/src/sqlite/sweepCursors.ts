// R16's sweep cursors in the event store's SQLite file: one row per directory, overwritten each
// round (it does not grow with the history), saved compare-and-set on the round.
import type { Database } from 'better-sqlite3';
import type { SweepCursorStore } from '@takeover/engine';

export const sweepCursorSchema = `
  CREATE TABLE IF NOT EXISTS rm_sweep_cursors (
    directory_id TEXT PRIMARY KEY, cursor TEXT NOT NULL, round INTEGER NOT NULL) WITHOUT ROWID;
`;

/** The sweep's cursors in `db` (give it as `EngineOptions.sweepCursors`); the table is created if missing. */
export const sqliteSweepCursors = (db: Database): SweepCursorStore => {
  db.exec(sweepCursorSchema);
  const load = db.prepare<[string], { cursor: string; round: number }>('SELECT cursor, round FROM rm_sweep_cursors WHERE directory_id = ?');
  const first = db.prepare<[string, string]>(
    'INSERT INTO rm_sweep_cursors (directory_id, cursor, round) VALUES (?, ?, 1) ON CONFLICT (directory_id) DO NOTHING',
  );
  const next = db.prepare<[string, number, string, number]>(
    'UPDATE rm_sweep_cursors SET cursor = ?, round = ? WHERE directory_id = ? AND round = ?',
  );
  return {
    load: (directoryId) =>
      new Promise((resolve) => {
        const row = load.get(directoryId);
        resolve(row === undefined ? undefined : { cursor: row.cursor, round: Number(row.round) });
      }),
    save: (directoryId, saved) =>
      new Promise((resolve) => {
        if (!(Number.isSafeInteger(saved.round) && saved.round >= 1))
          throw new RangeError(`a sweep round counts from 1, got ${saved.round}`);
        const r =
          saved.round === 1 ? first.run(directoryId, saved.cursor) : next.run(saved.cursor, saved.round, directoryId, saved.round - 1);
        resolve(r.changes === 1);
      }),
  };
};
