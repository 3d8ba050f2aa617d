import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { idempotentOutcome, checkVersion, type StoredId } from '../appendRules.js';
import { Checkpoint } from '../checkpoint.js';
import { serialise, toRecordedAll, type StoredRow } from '../decode.js';
import type { EventStore } from '../eventStore.js';
import type { AppendError } from '../errors.js';
import type { AppendResult, StreamVersion } from '../types.js';

/** A row as the in-memory store keeps it: JSON text, like the durable adapters, so it behaves alike. */
export interface InMemoryRow {
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

export interface InMemoryEventStore extends EventStore {
  /** Stores a row as given, bypassing every check: for tests that need a corrupt stored event. */
  unsafeAppendRaw(streamId: string, row: InMemoryRow): void;
}

const positionOf = (c: Checkpoint): number => {
  if (Checkpoint.isStart(c)) return 0;
  if (!/^\d+$/.test(c)) throw new TypeError(`not a checkpoint of the in-memory store: ${c}`);
  return Number(c);
};

/** The reference adapter: the whole contract, in a process's memory. */
export const inMemoryEventStore = (): InMemoryEventStore => {
  const all: StoredRow[] = [];
  const streams = new Map<string, StoredRow[]>();
  const byId = new Map<string, StoredId>();

  const store = (streamId: string, row: InMemoryRow): StoredRow => {
    const stream = streams.get(streamId) ?? [];
    const stored: StoredRow = {
      ...row,
      streamId,
      revision: stream.length,
      position: Checkpoint.unsafeOf(String(all.length + 1)),
      recordedAt: new Date(),
      parsed: false,
    };
    stream.push(stored);
    streams.set(streamId, stream);
    all.push(stored);
    byId.set(row.id, stored);
    return stored;
  };

  return {
    appendToStream: (streamId, events, options) =>
      TE.fromEither(
        ((): E.Either<AppendError, AppendResult> => {
          const rows = events.map((e) => ({
            id: e.id,
            type: e.type,
            data: serialise(e.data, 'data'),
            metadata: serialise(e.metadata ?? {}, 'metadata'),
          }));
          const ids = rows.map((r) => r.id);
          const seen = idempotentOutcome(
            streamId,
            ids,
            ids.map((id) => byId.get(id)),
          );
          if (E.isLeft(seen)) return seen;
          if (seen.right !== undefined) return E.right(seen.right);
          const stream = streams.get(streamId);
          const current: StreamVersion = stream === undefined || stream.length === 0 ? 'no-stream' : stream.length - 1;
          const checked = checkVersion(streamId, options?.expectedVersion ?? 'any', current);
          if (E.isLeft(checked)) return checked;
          const last = rows.map((r) => store(streamId, r)).at(-1);
          if (last === undefined) {
            return E.right({ nextExpectedVersion: current === 'no-stream' ? -1 : current, position: Checkpoint.start });
          }
          return E.right({ nextExpectedVersion: last.revision, position: last.position });
        })(),
      ),

    readStream: (streamId, options) =>
      TE.fromEither(
        (() => {
          const stream = streams.get(streamId) ?? [];
          const backwards = options?.direction === 'backwards';
          const from = options?.from ?? (backwards ? stream.length - 1 : 0);
          const max = options?.maxCount ?? Number.MAX_SAFE_INTEGER;
          const rows = backwards
            ? stream
                .slice(0, Math.max(0, from + 1))
                .reverse()
                .slice(0, max)
            : stream.slice(from, from + max);
          return toRecordedAll(rows, options?.decoder);
        })(),
      ),

    readAll: (options) =>
      TE.fromEither(
        (() => {
          const after = options?.after ?? Checkpoint.start;
          const prefix = options?.filter?.streamPrefix ?? '';
          const max = options?.maxCount ?? 1_000;
          const rows: StoredRow[] = [];
          for (let i = positionOf(after); i < all.length && rows.length < max; i++) {
            const row = all[i];
            if (row !== undefined && row.streamId.startsWith(prefix)) rows.push(row);
          }
          const events = toRecordedAll(rows, options?.decoder);
          return E.isLeft(events) ? events : E.right({ events: events.right, checkpoint: rows.at(-1)?.position ?? after });
        })(),
      ),

    unsafeAppendRaw: (streamId, row) => {
      store(streamId, row);
    },
    close: () => Promise.resolve(),
  };
};
