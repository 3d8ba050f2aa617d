import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { Clock } from '@takeover/engine';
import { runProjections } from '@takeover/engine';
import type { UserListSubject } from '@takeover/engine/testing';
import { userListContract } from '@takeover/engine/testing';
import type { SqliteEventStore } from '@takeover/event-store-sqlite';
import { openSqliteEventStore } from '@takeover/event-store-sqlite';
import { sqliteProjectionTarget, sqliteUserList } from '@takeover/read-models/sqlite';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const subjectOn = (store: SqliteEventStore, clock: Clock): UserListSubject => {
  const list = sqliteUserList(store, { clock });
  const target = sqliteProjectionTarget(store);
  const running = runProjections(store, target, [list.projection], { pollIntervalMs: 10 });
  return {
    store,
    view: list.view,
    catchUp: running.catchUp,
    deliver: (events) => target.transaction((tx) => list.projection.apply(tx, events)),
    restart: async () => {
      await running.stop();
      return subjectOn(store, clock);
    },
    delivered: running.delivered,
    stop: async () => {
      await running.stop();
      await store.close();
    },
  };
};

userListContract('SQLite (the event store file)', {
  setup: async (clock) => {
    const dir = mkdtempSync(join(tmpdir(), 'takeover-rm-'));
    dirs.push(dir);
    const opened = await openSqliteEventStore({ path: join(dir, 'events.db') })();
    if (E.isLeft(opened)) throw new Error(opened.left.message);
    return subjectOn(opened.right, clock);
  },
});
