// Run by the crash test as `node --conditions=takeover-source --import tsx child.ts <db path>`:
// appends batches of 3 events in a loop and prints one JSON line per acknowledged append.
import { openSqliteEventStore } from '@takeover/event-store-sqlite';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: child.ts <db path>');
const opened = openSqliteEventStore({ path });
if (opened._tag === 'Left') throw new Error(opened.left.reason);
const store = opened.right;
const versions = new Map<string, number>();

for (let i = 0; ; i++) {
  const streamId = `crash-${i % 7}`;
  const batch = [0, 1, 2].map((k) => ({ id: `${process.pid}-${i}-${k}`, type: 'Counted', data: { n: i, k }, metadata: { batch: i } }));
  const r = await store.appendToStream(streamId, batch, { expectedVersion: versions.get(streamId) ?? 'no-stream' })();
  if (r._tag === 'Left') throw new Error(JSON.stringify(r.left));
  versions.set(streamId, r.right.nextExpectedVersion);
  process.stdout.write(`${JSON.stringify({ streamId, ids: batch.map((e) => e.id), last: r.right.nextExpectedVersion })}\n`);
}
