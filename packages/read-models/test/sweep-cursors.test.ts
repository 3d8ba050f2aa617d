// The sweep's cursor table in the SQLite event store file: the cursor store contract, with a
// restart (the file opened again) and parallel saves from several connections to one file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { directoryId } from '@takeover/core';
import { sweepCursorContract } from '@takeover/engine/testing';
import type { SqliteEventStore } from '@takeover/event-store-sqlite';
import { openSqliteEventStore } from '@takeover/event-store-sqlite';
import { sqliteSweepCursors } from '@takeover/read-models/sqlite';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const open = async (path: string): Promise<SqliteEventStore> => {
  const opened = await openSqliteEventStore({ path })();
  if (E.isLeft(opened)) throw new Error(opened.left.message);
  return opened.right;
};

sweepCursorContract('SQLite (the event store file)', {
  setup: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'takeover-sc-'));
    dirs.push(dir);
    const path = join(dir, 'events.db');
    const stores = [await open(path)];
    const first = stores[0];
    if (first === undefined) throw new Error('no store');
    return {
      cursors: sqliteSweepCursors(first.database),
      // Another connection to the same file: another process, or this one after a restart.
      reopen: async () => {
        const again = await open(path);
        stores.push(again);
        return sqliteSweepCursors(again.database);
      },
      stop: async () => {
        for (const s of stores) await s.close();
      },
    };
  },
});

test('one row per directory however many rounds are saved (the cursor does not grow with the history)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'takeover-sc-'));
  dirs.push(dir);
  const store = await open(join(dir, 'events.db'));
  const cursors = sqliteSweepCursors(store.database);
  for (let round = 1; round <= 50; round++) expect(await cursors.save(directoryId('m365'), { cursor: `c-${round}`, round })).toBe(true);
  expect(store.database.prepare('SELECT COUNT(*) AS n FROM rm_sweep_cursors').get()).toEqual({ n: 1 });
  expect(await cursors.load(directoryId('m365'))).toEqual({ cursor: 'c-50', round: 50 });
  await store.close();
});
