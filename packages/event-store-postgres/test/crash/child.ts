// Run by the crash test as `node --conditions=takeover-source --import tsx child.ts <schema>`:
// appends batches of 3 events from 4 concurrent loops and prints one JSON line per acknowledged append.
import { crashWriter } from '@takeover/event-store/testing';
import { createPostgresEventStore } from '@takeover/event-store-postgres';
import pg from 'pg';

const schema = process.argv[2];
if (schema === undefined) throw new Error('usage: child.ts <schema>');
const pool = new pg.Pool({
  host: process.env.PGHOST ?? '127.0.0.1',
  user: process.env.PGUSER ?? 'postgres',
  database: process.env.PGDATABASE ?? 'test',
  max: 4,
});
const opened = await createPostgresEventStore({ pool, schema })();
if (opened._tag === 'Left') throw new Error(opened.left.message);
await crashWriter(opened.right, 4);
