import { jsonEvent, type EventStoreDBClient, type JSONType } from '@eventstore/db-client';
import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import {
  Checkpoint,
  describeCause,
  serialise,
  storeUnavailable,
  toRecordedAll,
  type CheckpointStore,
  type CorruptEvent,
  type EventStore,
  type StoredRow,
  type StoreUnavailable,
} from '@takeover/event-store';
import {
  CHECKPOINT_STREAM_PREFIX,
  envelope,
  fromCheckpoint,
  isHidden,
  isStreamNotFound,
  toCheckpoint,
  toEsdbExpected,
  toEsdbId,
  toStoredRow,
  translateError,
  type EsdbRecorded,
} from './mapping.js';

export interface EventStoreDbEventStore extends EventStore {
  /** Checkpoints as events in `takeover-checkpoint-<subscription id>` streams (hidden from `readAll`). */
  readonly checkpoints: CheckpointStore;
}

const guard =
  <L, A>(run: () => Promise<E.Either<L, A>>): TaskEither<L | StoreUnavailable, A> =>
  async () => {
    try {
      return await run();
    } catch (e) {
      if (e instanceof TypeError || e instanceof RangeError) throw e;
      return E.left(storeUnavailable(describeCause(e)));
    }
  };

const collect = async (iterable: AsyncIterable<{ event?: unknown }>): Promise<E.Either<CorruptEvent, StoredRow[]>> => {
  const rows: StoredRow[] = [];
  for await (const resolved of iterable) {
    if (resolved.event === undefined) continue;
    const row = toStoredRow(resolved.event as EsdbRecorded);
    if (E.isLeft(row)) return row;
    rows.push(row.right);
  }
  return E.right(rows);
};

/**
 * The adapter on a client the host built (`@eventstore/db-client` is a peer dependency). Every store
 * factory has this shape, a `TaskEither<StoreUnavailable, Store>` (docs/integrating.md); this one
 * connects nothing itself (the client connects on its first call), so it never fails.
 */
export const eventStoreDbEventStore =
  (client: EventStoreDBClient): TaskEither<StoreUnavailable, EventStoreDbEventStore> =>
  () =>
    Promise.resolve(E.right(build(client)));

const build = (client: EventStoreDBClient): EventStoreDbEventStore => {
  const store: EventStoreDbEventStore = {
    appendToStream: (streamId, events, options) => async () => {
      const expected = options?.expectedVersion ?? 'any';
      const data = events.map((e) =>
        jsonEvent({
          id: toEsdbId(e.id),
          type: e.type,
          data: JSON.parse(serialise(e.data, 'data')) as JSONType,
          metadata: envelope(e.id, JSON.parse(serialise(e.metadata ?? {}, 'metadata'))),
        }),
      );
      try {
        const r = await client.appendToStream(streamId, data, { expectedRevision: toEsdbExpected(expected) });
        return E.right({
          nextExpectedVersion: Number(r.nextExpectedRevision),
          position: r.position === undefined || events.length === 0 ? Checkpoint.start : toCheckpoint(r.position),
        });
      } catch (e) {
        if (e instanceof TypeError || e instanceof RangeError) throw e;
        return E.left(translateError(streamId, expected, e));
      }
    },

    readStream: (streamId, options) =>
      guard(async () => {
        const backwards = options?.direction === 'backwards';
        const from = options?.from;
        try {
          const rows = await collect(
            client.readStream(streamId, {
              direction: backwards ? 'backwards' : 'forwards',
              fromRevision: from === undefined ? (backwards ? 'end' : 'start') : BigInt(from),
              ...(options?.maxCount === undefined ? {} : { maxCount: options.maxCount }),
            }),
          );
          return E.isLeft(rows) ? rows : toRecordedAll(rows.right, options?.decoder);
        } catch (e) {
          if (isStreamNotFound(e)) return E.right([]);
          throw e;
        }
      }),

    readAll: (options) =>
      guard(async () => {
        const after = options?.after ?? Checkpoint.start;
        const max = options?.maxCount ?? 1_000;
        const prefix = options?.filter?.streamPrefix ?? '';
        const kept: StoredRow[] = [];
        let from = fromCheckpoint(after);
        let scanned = after;
        // $all is read from a position inclusively: skip the event at `after`, filter on the client.
        for (;;) {
          const page = await collect(client.readAll({ fromPosition: from, maxCount: max + 1, direction: 'forwards' }));
          if (E.isLeft(page)) return page;
          const fresh = page.right.filter((r) => r.position !== scanned);
          for (const r of fresh) {
            scanned = r.position;
            if (!isHidden(r.streamId, r.type) && r.streamId.startsWith(prefix)) kept.push(r);
            if (kept.length === max) break;
          }
          if (kept.length === max || fresh.length === 0 || page.right.length <= max) break;
          from = fromCheckpoint(scanned);
        }
        const events = toRecordedAll(kept, options?.decoder);
        return E.isLeft(events) ? events : E.right({ events: events.right, checkpoint: kept.at(-1)?.position ?? scanned });
      }),

    checkpoints: {
      load: (id) =>
        guard(async () => {
          const r = await store.readStream(`${CHECKPOINT_STREAM_PREFIX}${id}`, { direction: 'backwards', maxCount: 1 })();
          if (E.isLeft(r)) return E.left(storeUnavailable(`checkpoint of ${id} unreadable: ${r.left._tag}`));
          const position = (r.right[0]?.event.data as { position?: unknown } | undefined)?.position;
          return E.right(typeof position === 'string' ? Checkpoint.unsafeOf(position) : undefined);
        }),
      save: (id, checkpoint) =>
        guard(async () => {
          await client.appendToStream(
            `${CHECKPOINT_STREAM_PREFIX}${id}`,
            jsonEvent({ type: 'CheckpointStored', data: { position: checkpoint } }),
          );
          return E.right(undefined);
        }),
    },

    close: () => Promise.resolve(),
  };
  return store;
};
