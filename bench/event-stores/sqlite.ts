import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore } from '@takeover/event-store-sqlite';
import Sqlite from 'better-sqlite3';
import { compare, rate, report } from './report.js';

/** One event per append with an exact expected version, adapter vs raw better-sqlite3 with the
 *  same pragmas (WAL, synchronous=FULL) on the same schema: BEGIN IMMEDIATE; version; INSERT; COMMIT. */
export const benchSqlite = async (scale: number): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), 'takeover-bench-'));
  const n = Math.max(100, Math.round(3_000 * scale));
  try {
    const opened = openSqliteEventStore({ path: join(dir, 'ours.db') });
    if (opened._tag === 'Left') throw new Error(opened.left.reason);
    const store = opened.right;
    const rawOpened = openSqliteEventStore({ path: join(dir, 'raw.db') });
    if (rawOpened._tag === 'Left') throw new Error(rawOpened.left.reason);
    await rawOpened.right.close();
    const db = new Sqlite(join(dir, 'raw.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    const version = db.prepare<[string], { v: number | null }>('SELECT max(revision) AS v FROM events WHERE stream_id = ?');
    const insert = db.prepare<[string, number, string, string, number]>(
      "INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, 'Bench', ?, '{}', ?)");
    const append = db.transaction((s: string, expected: number) => {
      const v = version.get(s)?.v ?? -1;
      if (v !== expected) throw new Error('conflict');
      insert.run(s, v + 1, randomUUID(), JSON.stringify({ x: 1 }), Date.now());
    });

    const [ours, raw] = await compare(2,
      (r) => rate(n, async () => {
        for (let i = 0; i < n; i++) {
          const s = `o${r}-${i % 4}`;
          const expected = Math.floor(i / 4) - 1;
          const res = await store.appendToStream(s, [{ id: randomUUID(), type: 'Bench', data: { x: 1 } }], { expectedVersion: expected < 0 ? 'no-stream' : expected })();
          if (res._tag === 'Left') throw new Error(res.left._tag);
        }
      }),
      (r) => rate(n, () => {
        for (let i = 0; i < n; i++) append.immediate(`r${r}-${i % 4}`, Math.floor(i / 4) - 1);
        return Promise.resolve();
      }));
    report('sqlite.append.1-writer', n, ours, raw, 0.8);
    db.close();
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
