import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** A pool on the test database (PGHOST/PGUSER/PGDATABASE, default 127.0.0.1/postgres/test). */
export const testPool = (max = 12): pg.Pool =>
  new pg.Pool({
    host: process.env.PGHOST ?? '127.0.0.1',
    user: process.env.PGUSER ?? 'postgres',
    database: process.env.PGDATABASE ?? 'test',
    ...(process.env.PGPASSWORD === undefined ? {} : { password: process.env.PGPASSWORD }),
    ...(process.env.PGPORT === undefined ? {} : { port: Number(process.env.PGPORT) }),
    max,
  });

/** A fresh schema name per test file; drop it with `dropSchema`. */
export const randomSchema = (): string => `t_${randomUUID().replaceAll('-', '').slice(0, 16)}`;

export const dropSchema = async (pool: pg.Pool, schema: string): Promise<void> => {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
};
