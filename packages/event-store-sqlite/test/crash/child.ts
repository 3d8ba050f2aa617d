// Run by the crash test as `node --conditions=takeover-source --import tsx child.ts <db path>`:
// appends batches of 3 events in a loop and prints one JSON line per acknowledged append.
import { crashWriter } from '@takeover/event-store/testing';
import { openSqliteEventStore } from '@takeover/event-store-sqlite';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: child.ts <db path>');
const opened = await openSqliteEventStore({ path })();
if (opened._tag === 'Left') throw new Error(opened.left.message);
await crashWriter(opened.right, 4);
