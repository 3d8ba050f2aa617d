import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Checkpoint } from '@takeover/event-store';
import { eventStoreContract, type ContractSubject } from '@takeover/event-store/testing';
import { openSqliteEventStore, type SqliteEventStore } from '@takeover/event-store-sqlite';

const dir = mkdtempSync(join(tmpdir(), 'takeover-sqlite-'));
const path = join(dir, 'events.db');

const open = async (): Promise<SqliteEventStore> => {
  const r = await openSqliteEventStore({ path })();
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
};

const subjectOf = (store: SqliteEventStore): ContractSubject => ({
  store,
  checkpoints: store.checkpoints,
  plantCorruptEvent: (streamId) => {
    const { v } = store.database.prepare('SELECT max(revision) AS v FROM events WHERE stream_id = ?').get(streamId) as { v: number | null };
    store.database
      .prepare(
        "INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, 'Counted', '{\"n\": not json', '{}', 0)",
      )
      .run(streamId, (v ?? -1) + 1, `corrupt-${streamId}`);
    return Promise.resolve();
  },
});

eventStoreContract('SQLite', {
  setup: async () => subjectOf(await open()),
  reopen: async () => subjectOf(await open()),
  teardown: (s) => s.store.close(),
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('SQLite specifics', () => {
  it('uses WAL with synchronous=FULL', async () => {
    const store = await open();
    expect(store.database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.database.pragma('synchronous', { simple: true })).toBe(2);
    await store.close();
  });

  it('reports a file it cannot open as StoreUnavailable, when the task runs (not when it is built)', async () => {
    const open = openSqliteEventStore({ path: join(dir, 'missing-dir', 'x.db') });
    const r = await open();
    expect(r).toMatchObject({ _tag: 'Left', left: { _tag: 'StoreUnavailable' } });
  });

  it('commits a projection state and its checkpoint in one transaction', async () => {
    const store = await open();
    store.database.exec('CREATE TABLE IF NOT EXISTS counter (n INTEGER)');
    const commit = store.database.transaction(() => {
      store.database.prepare('INSERT INTO counter VALUES (1)').run();
      store.saveCheckpointSync('counter', Checkpoint.unsafeOf('7'));
    });
    commit();
    expect(await store.checkpoints.load('counter')()).toEqual({ _tag: 'Right', right: '7' });
    await store.close();
  });
});
