import Sqlite from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import {
  Checkpoint,
  checkVersion,
  describeCause,
  idempotentOutcome,
  serialise,
  storeUnavailable,
  toRecordedAll,
  type AppendError,
  type AppendResult,
  type CheckpointStore,
  type EventStore,
  type EventToAppend,
  type ExpectedVersion,
  type StoredRow,
  type StoreUnavailable,
} from '@takeover/event-store';
import { prepareDatabase } from './schema.js';
import { prepareStatements, type EventRow, type Statements } from './statements.js';

export interface SqliteEventStoreOptions {
  /** The database file (created if missing). */
  readonly path: string;
  /** How long a write waits for another process's write lock (default 5,000 ms). */
  readonly busyTimeoutMs?: number;
}

export interface SqliteEventStore extends EventStore {
  /** Checkpoints in the same file. */
  readonly checkpoints: CheckpointStore;
  /** The connection, for a projection that keeps its state in this file and commits it with its
   *  checkpoint in one `database.transaction(...)` (using `saveCheckpointSync`). */
  readonly database: Database;
  saveCheckpointSync(subscriptionId: string, checkpoint: Checkpoint): void;
}

const task =
  <L, A>(run: () => E.Either<L, A>): TaskEither<L | StoreUnavailable, A> =>
  () => {
    try {
      return Promise.resolve(run());
    } catch (e) {
      if (e instanceof TypeError || e instanceof RangeError) return Promise.reject(e);
      return Promise.resolve(E.left(storeUnavailable(describeCause(e))));
    }
  };

const positionOf = (c: Checkpoint): number => {
  if (Checkpoint.isStart(c)) return 0;
  if (!/^\d+$/.test(c)) throw new TypeError(`not a checkpoint of the SQLite store: ${c}`);
  return Number(c);
};

const toStored = (r: EventRow): StoredRow => ({
  id: r.event_id,
  streamId: r.stream_id,
  revision: r.revision,
  position: Checkpoint.unsafeOf(String(r.position)),
  recordedAt: new Date(r.recorded_at),
  type: r.type,
  data: r.data,
  metadata: r.metadata,
  parsed: false,
});

const isUniqueViolation = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE';

const appendWith = (db: Database, st: Statements) => {
  const outcome = (streamId: string, ids: ReadonlyArray<string>) =>
    idempotentOutcome(
      streamId,
      ids,
      ids.map((id) => {
        const row = st.byId.get(id);
        return row === undefined ? undefined : { ...row, position: Checkpoint.unsafeOf(String(row.position)) };
      }),
    );
  const write = db.transaction(
    (streamId: string, events: ReadonlyArray<EventToAppend>, expected: ExpectedVersion): E.Either<AppendError, AppendResult> => {
      const ids = events.map((e) => e.id);
      if (ids[0] !== undefined && st.byId.get(ids[0]) !== undefined) {
        const seen = outcome(streamId, ids);
        if (E.isLeft(seen) || seen.right !== undefined) return seen as E.Either<AppendError, AppendResult>;
      }
      const v = st.version.get(streamId)?.v ?? null;
      const checked = checkVersion(streamId, expected, v ?? 'no-stream');
      if (E.isLeft(checked)) return checked;
      const now = Date.now();
      let revision = v ?? -1;
      let position = 0;
      for (const e of events) {
        revision += 1;
        const r = st.insert.run(streamId, revision, e.id, e.type, serialise(e.data, 'data'), serialise(e.metadata ?? {}, 'metadata'), now);
        position = Number(r.lastInsertRowid);
      }
      return E.right({
        nextExpectedVersion: revision,
        position: position === 0 ? Checkpoint.start : Checkpoint.unsafeOf(String(position)),
      });
    },
  );
  return (streamId: string, events: ReadonlyArray<EventToAppend>, expected: ExpectedVersion): E.Either<AppendError, AppendResult> => {
    try {
      return write.immediate(streamId, events, expected);
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      const seen = outcome(
        streamId,
        events.map((x) => x.id),
      );
      return E.isLeft(seen) ? seen : E.left(storeUnavailable(describeCause(e)));
    }
  };
};

/**
 * Opens (creating and migrating) the database file. Every store factory has this shape, a
 * `TaskEither<StoreUnavailable, Store>` (docs/integrating.md): run it (`await openSqliteEventStore(o)()`)
 * and the file is opened then, synchronously inside the task.
 */
export const openSqliteEventStore =
  (options: SqliteEventStoreOptions): TaskEither<StoreUnavailable, SqliteEventStore> =>
  () =>
    Promise.resolve(openNow(options));

const openNow = (options: SqliteEventStoreOptions): E.Either<StoreUnavailable, SqliteEventStore> => {
  let db: Database;
  try {
    db = new Sqlite(options.path);
    prepareDatabase(db, options.busyTimeoutMs ?? 5_000);
  } catch (e) {
    return E.left(storeUnavailable(describeCause(e)));
  }
  const st = prepareStatements(db);
  const append = appendWith(db, st);
  const saveCheckpointSync = (id: string, c: Checkpoint) => {
    st.saveCheckpoint.run(id, c, Date.now());
  };
  return E.right({
    database: db,
    saveCheckpointSync,
    appendToStream: (streamId, events, options) => task(() => append(streamId, events, options?.expectedVersion ?? 'any')),
    readStream: (streamId, options) =>
      task(() => {
        const max = options?.maxCount ?? -1;
        const rows =
          options?.direction === 'backwards'
            ? st.backwards.all(streamId, options.from ?? Number.MAX_SAFE_INTEGER, max)
            : st.forwards.all(streamId, options?.from ?? 0, max);
        return toRecordedAll(rows.map(toStored), options?.decoder);
      }),
    readAll: (options) =>
      task(() => {
        const after = options?.after ?? Checkpoint.start;
        const max = options?.maxCount ?? 1_000;
        const prefix = options?.filter?.streamPrefix;
        const rows =
          prefix === undefined || prefix === ''
            ? st.all.all(positionOf(after), max)
            : st.allPrefixed.all(positionOf(after), [...prefix].length, prefix, max);
        const events = toRecordedAll(rows.map(toStored), options?.decoder);
        return E.isLeft(events) ? events : E.right({ events: events.right, checkpoint: events.right.at(-1)?.position ?? after });
      }),
    checkpoints: {
      load: (id) => task(() => E.right(st.loadCheckpoint.get(id)?.position as Checkpoint | undefined)),
      save: (id, c) => task(() => E.right(saveCheckpointSync(id, c))),
    },
    close: () => {
      db.close();
      return Promise.resolve();
    },
  });
};
