// Run by the crash test as `node --conditions=takeover-source --import tsx child.ts <schema>`:
// appends batches of 3 events from 4 concurrent loops and prints one JSON line per acknowledged append.
import { createPostgresEventStore } from '@takeover/event-store-postgres';
import pg from 'pg';

const schema = process.argv[2];
if (schema === undefined) throw new Error('usage: child.ts <schema>');
const pool = new pg.Pool({
  host: process.env.PGHOST ?? '127.0.0.1', user: process.env.PGUSER ?? 'postgres', database: process.env.PGDATABASE ?? 'test', max: 4,
});
const opened = await createPostgresEventStore({ pool, schema })();
if (opened._tag === 'Left') throw new Error(opened.left.reason);
const store = opened.right;

const loop = async (w: number) => {
  let version: number | 'no-stream' = 'no-stream';
  for (let i = 0; ; i++) {
    const streamId = `crash-${w}`;
    const batch = [0, 1, 2].map((k) => ({ id: `${w}-${i}-${k}`, type: 'Counted', data: { n: i, k }, metadata: { batch: i } }));
    const r = await store.appendToStream(streamId, batch, { expectedVersion: version })();
    if (r._tag === 'Left') throw new Error(JSON.stringify(r.left));
    version = r.right.nextExpectedVersion;
    process.stdout.write(`${JSON.stringify({ streamId, ids: batch.map((e) => e.id), last: version })}\n`);
  }
};
await Promise.all([0, 1, 2, 3].map(loop));
