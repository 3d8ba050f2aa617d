// The PostgreSQL the integration tests share (PGHOST, PGUSER, PGDATABASE; trust auth), a schema of
// their own per test file, and a pair of demo emulators shared by several hosts on one store.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { HostAppOptions } from '../../src/app/createHostApp.js';
import type { DemoEmulators } from '../../src/wiring/emulators.js';

export const PG = {
  host: process.env.PGHOST ?? '127.0.0.1',
  user: process.env.PGUSER ?? 'postgres',
  database: process.env.PGDATABASE ?? 'test',
} as const;

export const PG_URL = `postgres://${encodeURIComponent(PG.user)}@${PG.host}:5432/${encodeURIComponent(PG.database)}`;

/** A schema name no other run uses: `<prefix>_<random hex>`. */
export const freshSchema = (prefix: string): string => `${prefix}_${randomBytes(6).toString('hex')}`;

/** Drops the schema and everything in it (for afterAll). */
export const dropSchema = async (schema: string): Promise<void> => {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
};

/** The directories of a running emulator pair, to hand to more than one host. */
export const sharedEmulators = (emulators: DemoEmulators): NonNullable<HostAppOptions['emulators']> => ({
  ...(emulators.google === undefined ? {} : { google: emulators.google }),
  ...(emulators.microsoft === undefined ? {} : { microsoft: emulators.microsoft }),
});
