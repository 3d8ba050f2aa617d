import type { Pool } from 'pg';
import { appendLockKey } from './appendLock.js';
import { migrations } from './migrations.js';

/** Same lock key in every process: the first runs the migrations, the others wait, then see them done. */
const LOCK_CLASS = 0x7a6b;

/** Creates the schema if needed and applies the missing migrations under an advisory lock, so
 *  several processes starting at once are safe. Returns the schema version now in place. */
export const migrate = async (pool: Pool, schema: string, quoted: string): Promise<number> => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${quoted}.schema_migrations (
      version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${quoted}.schema_migrations`);
    const current = rows[0]?.v ?? 0;
    if (current > migrations.length) {
      throw new Error(`schema ${schema} is at version ${current}, newer than this adapter's ${migrations.length}`);
    }
    for (let v = current + 1; v <= migrations.length; v++) {
      await client.query(migrations[v - 1]?.(quoted, appendLockKey(schema)) ?? '');
      await client.query(`INSERT INTO ${quoted}.schema_migrations (version) VALUES ($1)`, [v]);
    }
    await client.query('COMMIT');
    return migrations.length;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
};
