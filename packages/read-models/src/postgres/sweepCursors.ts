// R16's sweep cursors in the PostgreSQL event store's schema: one row per directory, overwritten
// each round (it does not grow with the history), saved compare-and-set on the round.
import type { Pool } from 'pg';
import type { SweepCursorStore } from '@takeover/engine';

const LOCK_CLASS = 0x7363; // 'sc'

const quoted = (schema: string): string => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new TypeError(`schema must be a plain lower-case identifier: ${schema}`);
  return `"${schema}"`;
};

/**
 * The sweep's cursors in `schema` (give them as `EngineOptions.sweepCursors`); the table is created
 * if missing, under a transaction-scoped advisory lock (several instances starting at once).
 */
export const postgresSweepCursors = async (pool: Pool, schema: string): Promise<SweepCursorStore> => {
  const s = quoted(schema);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}.rm_sweep_cursors (directory_id text PRIMARY KEY, cursor text NOT NULL, round integer NOT NULL)`,
    );
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
  return {
    load: async (directoryId) => {
      const { rows } = await pool.query<{ cursor: string; round: number }>(
        `SELECT cursor, round FROM ${s}.rm_sweep_cursors WHERE directory_id = $1`,
        [directoryId],
      );
      const row = rows[0];
      return row === undefined ? undefined : { cursor: row.cursor, round: Number(row.round) };
    },
    save: async (directoryId, saved) => {
      if (!(Number.isSafeInteger(saved.round) && saved.round >= 1)) throw new RangeError(`a sweep round counts from 1, got ${saved.round}`);
      const r =
        saved.round === 1
          ? await pool.query(
              `INSERT INTO ${s}.rm_sweep_cursors (directory_id, cursor, round) VALUES ($1, $2, 1) ON CONFLICT (directory_id) DO NOTHING`,
              [directoryId, saved.cursor],
            )
          : await pool.query(`UPDATE ${s}.rm_sweep_cursors SET cursor = $1, round = $2 WHERE directory_id = $3 AND round = $4`, [
              saved.cursor,
              saved.round,
              directoryId,
              saved.round - 1,
            ]);
      return r.rowCount === 1;
    },
  };
};
