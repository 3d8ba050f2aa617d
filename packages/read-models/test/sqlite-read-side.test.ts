import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { runProjections } from '@takeover/engine';
import type { ReadSideSubject } from '@takeover/engine/testing';
import { readSideContract } from '@takeover/engine/testing';
import type { SqliteEventStore } from '@takeover/event-store-sqlite';
import { openSqliteEventStore } from '@takeover/event-store-sqlite';
import { sqliteProjectionTarget, sqliteReadSide } from '@takeover/read-models/sqlite';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// The same file for the events and the read side, as the host runs it.
const subjectOn = (store: SqliteEventStore): ReadSideSubject => {
  const { projections, ...views } = sqliteReadSide(store.database);
  const target = sqliteProjectionTarget(store);
  const running = runProjections(store, target, projections, { pollIntervalMs: 10 });
  return {
    store,
    ...views,
    catchUp: running.catchUp,
    deliver: (events) =>
      target.transaction((tx) => {
        for (const p of projections) void p.apply(tx, events);
      }),
    restart: async () => {
      await running.stop();
      return subjectOn(store);
    },
    // Each of the four projections is handed every event: count them once.
    delivered: () => running.delivered() / projections.length,
    stop: async () => {
      await running.stop();
      await store.close();
    },
  };
};

readSideContract('SQLite (the event store file)', {
  setup: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'takeover-rs-'));
    dirs.push(dir);
    const opened = await openSqliteEventStore({ path: join(dir, 'events.db') })();
    if (E.isLeft(opened)) throw new Error(opened.left.message);
    return subjectOn(opened.right);
  },
});
