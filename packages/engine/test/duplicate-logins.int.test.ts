// Issue 13: one user logging in on two instances at once, each instance with its own pool on one
// PostgreSQL schema (see duplicateLogins.ts).
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import { createPostgresEventStore } from '@takeover/event-store-postgres';
import type { PostgresEventStore } from '@takeover/event-store-postgres';
import { duplicateLogins } from './duplicateLogins.js';

const schema = `dup_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const pool = () =>
  new pg.Pool({
    host: process.env.PGHOST ?? '127.0.0.1',
    user: process.env.PGUSER ?? 'postgres',
    database: process.env.PGDATABASE ?? 'test',
    max: 6,
  });
const pools = [pool(), pool()] as const;
let stores: readonly [PostgresEventStore, PostgresEventStore] | undefined;

beforeAll(async () => {
  const [a, b] = await Promise.all(pools.map((p) => createPostgresEventStore({ pool: p, schema })()));
  if (a === undefined || b === undefined || E.isLeft(a) || E.isLeft(b))
    throw new Error('PostgreSQL unavailable: set PGHOST/PGUSER/PGDATABASE');
  stores = [a.right, b.right];
});
afterAll(async () => {
  await pools[0].query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await Promise.all(pools.map((p) => p.end()));
});

duplicateLogins(() => {
  if (stores === undefined) throw new Error('stores not open');
  return Promise.resolve({ first: stores[0], second: stores[1] });
});
