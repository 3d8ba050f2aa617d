// Issue 13: an attribute-only push leased by a dead instance, on PostgreSQL (see leaseExpiry.ts).
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import { createPostgresEventStore } from '@takeover/event-store-postgres';
import { leaseExpiry } from './leaseExpiry.js';

const schema = `lease_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const pool = new pg.Pool({
  host: process.env.PGHOST ?? '127.0.0.1',
  user: process.env.PGUSER ?? 'postgres',
  database: process.env.PGDATABASE ?? 'test',
  max: 6,
});

afterAll(async () => {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

leaseExpiry(async () => {
  const store = await createPostgresEventStore({ pool, schema })();
  if (E.isLeft(store)) throw new Error('PostgreSQL unavailable: set PGHOST/PGUSER/PGDATABASE');
  return store.right;
});
