import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import pg from 'pg';
import type { ClientBase, Pool, PoolConfig } from 'pg';
import {
  Checkpoint,
  checkVersion,
  describeCause,
  idempotentOutcome,
  storeUnavailable,
  toRecordedAll,
  versionConflict,
  type AppendError,
  type AppendResult,
  type CheckpointStore,
  type EventStore,
  type StoredRow,
  type StoreUnavailable,
} from '@takeover/event-store';
import { appendArgs, appendOneArgs, appendOneRow, expectedCode, type AppendRow } from './append.js';
import { fromCheckpoint, toCheckpoint } from './checkpoint.js';
import { migrate } from './migrate.js';
import { wakeUps } from './wakeUps.js';
import { statements, type EventRow } from './sql.js';

export interface PostgresEventStoreOptions {
  /** A pool the host built (`pg` is a peer dependency); `close()` leaves it open. */
  readonly pool: Pool;
  /** Schema for the tables (created if missing; default `takeover`). */
  readonly schema?: string;
  /** Wake subscriptions with LISTEN/NOTIFY (one extra connection, outside the pool, while any subscription runs; default true). */
  readonly wakeUps?: boolean;
}

export interface PostgresEventStore extends EventStore {
  readonly schema: string;
  /** The pool it works on (the host's, or the one it opened): for what shares the database, e.g. `createPostgresQuotaBudget`. */
  readonly pool: Pool;
  /** Checkpoints in `<schema>.checkpoints`. */
  readonly checkpoints: CheckpointStore;
  /** Saves a checkpoint on the caller's client, inside the caller's transaction: a projection that
   *  keeps its state in this database commits state and checkpoint together. */
  saveCheckpointIn(client: ClientBase, subscriptionId: string, checkpoint: Checkpoint): Promise<void>;
}

const attempt =
  <L, A>(run: () => Promise<E.Either<L, A>>): TaskEither<L | StoreUnavailable, A> =>
  async () => {
    try {
      return await run();
    } catch (e) {
      if (e instanceof TypeError || e instanceof RangeError) throw e;
      return E.left(storeUnavailable(describeCause(e)));
    }
  };

const toStored = (r: EventRow): StoredRow => ({
  id: r.event_id,
  streamId: r.stream_id,
  revision: Number(r.rev),
  position: toCheckpoint(r.tx_text, r.gp),
  recordedAt: r.recorded_at,
  type: r.type,
  data: r.data,
  metadata: r.metadata,
  parsed: true,
});

/** Builds the adapter on the host's pool, creating and migrating its schema first. */
export const createPostgresEventStore = (options: PostgresEventStoreOptions): TaskEither<StoreUnavailable, PostgresEventStore> =>
  attempt(async () => E.right(await build(options.pool, options.schema ?? 'takeover', false, options.wakeUps ?? true)));

/** Convenience: opens its own pool from a connection string; `close()` ends that pool. */
export const connectPostgresEventStore = (
  connectionString: string,
  options: { readonly schema?: string; readonly pool?: PoolConfig; readonly wakeUps?: boolean } = {},
): TaskEither<StoreUnavailable, PostgresEventStore> =>
  attempt(async () => {
    const pool = new pg.Pool({ ...options.pool, connectionString });
    try {
      return E.right(await build(pool, options.schema ?? 'takeover', true, options.wakeUps ?? true));
    } catch (e) {
      await pool.end();
      throw e;
    }
  });

const build = async (pool: Pool, schema: string, ownsPool: boolean, listen: boolean): Promise<PostgresEventStore> => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new TypeError(`schema must be a plain lower-case identifier: ${schema}`);
  const q = `"${schema}"`;
  await migrate(pool, schema, q);
  const st = statements(schema, q);
  const wake = listen ? wakeUps(pool, schema) : undefined;

  const outcomeOf = async (streamId: string, ids: ReadonlyArray<string>) => {
    const { rows } = await pool.query<{ event_id: string; stream_id: string; revision: string; tx: string; gp: string }>(st.byIds([ids]));
    const found = new Map(rows.map((r) => [r.event_id, r]));
    return idempotentOutcome(
      streamId,
      ids,
      ids.map((id) => {
        const r = found.get(id);
        return r === undefined
          ? undefined
          : { id, streamId: r.stream_id, revision: Number(r.revision), position: toCheckpoint(r.tx, r.gp) };
      }),
    );
  };

  const append = async (
    streamId: string,
    events: Parameters<EventStore['appendToStream']>[1],
    expected: Parameters<typeof expectedCode>[0],
  ): Promise<E.Either<AppendError, AppendResult>> => {
    if (events.length === 0) {
      const { rows } = await pool.query<{ version: string }>(st.version([streamId]));
      const v = rows[0] === undefined ? ('no-stream' as const) : Number(rows[0].version);
      return E.map(() => ({ nextExpectedVersion: v === 'no-stream' ? -1 : v, position: Checkpoint.start }))(
        checkVersion(streamId, expected, v),
      );
    }
    let row: AppendRow | undefined;
    try {
      const one = events.length === 1 ? events[0] : undefined;
      if (one !== undefined) {
        const { rows } = await pool.query<{ r: string }>(st.appendOne([streamId, expectedCode(expected), ...appendOneArgs(one)]));
        row = rows[0] === undefined ? undefined : appendOneRow(rows[0].r);
      } else {
        ({
          rows: [row],
        } = await pool.query<AppendRow>(st.append([streamId, expectedCode(expected), ...appendArgs(events)])));
      }
    } catch (e) {
      if ((e as { constraint?: unknown }).constraint !== 'events_event_id_key') throw e;
      row = { outcome: 'duplicate', version: null, tx: null, last_position: null };
    }
    if (row?.outcome === 'ok' && row.version !== null && row.tx !== null && row.last_position !== null) {
      return E.right({ nextExpectedVersion: Number(row.version), position: toCheckpoint(row.tx, row.last_position) });
    }
    if (row?.outcome === 'conflict')
      return E.left(versionConflict(streamId, expected, row.version === null ? 'no-stream' : Number(row.version)));
    const seen = await outcomeOf(
      streamId,
      events.map((e) => e.id),
    );
    if (E.isLeft(seen)) return seen;
    return seen.right === undefined ? E.left(storeUnavailable('event ids vanished during an idempotent append')) : E.right(seen.right);
  };

  return {
    schema,
    pool,
    appendToStream: (streamId, events, options) => attempt(() => append(streamId, events, options?.expectedVersion ?? 'any')),
    readStream: (streamId, options) =>
      attempt(async () => {
        const backwards = options?.direction === 'backwards';
        const from = options?.from ?? (backwards ? Number.MAX_SAFE_INTEGER : 0);
        const max = options?.maxCount ?? null;
        const { rows } = await pool.query<EventRow>((backwards ? st.backwards : st.forwards)([streamId, from, max]));
        return toRecordedAll(rows.map(toStored), options?.decoder);
      }),
    readAll: (options) =>
      attempt(async () => {
        const after = options?.after ?? Checkpoint.start;
        const [tx, position] = fromCheckpoint(after);
        const max = options?.maxCount ?? 1_000;
        const prefix = options?.filter?.streamPrefix ?? '';
        const query = prefix === '' ? st.all([tx, position, max]) : st.allPrefixed([tx, position, max, prefix]);
        const { rows } = await pool.query<EventRow>(query);
        const events = toRecordedAll(rows.map(toStored), options?.decoder);
        return E.isLeft(events) ? events : E.right({ events: events.right, checkpoint: events.right.at(-1)?.position ?? after });
      }),
    checkpoints: {
      load: (id) =>
        attempt(async () => {
          const { rows } = await pool.query<{ position: string }>(st.loadCheckpoint([id]));
          return E.right(rows[0] === undefined ? undefined : Checkpoint.unsafeOf(rows[0].position));
        }),
      save: (id, c) =>
        attempt(async () => {
          await pool.query(st.saveCheckpoint([id, c]));
          return E.right(undefined);
        }),
    },
    saveCheckpointIn: async (client, id, c) => {
      await client.query(st.saveCheckpoint([id, c]));
    },
    ...(wake === undefined ? {} : { onAppended: wake.onAppended }),
    close: async () => {
      await wake?.close();
      if (ownsPool) await pool.end();
    },
  };
};
