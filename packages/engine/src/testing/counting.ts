import type { EventStore } from '@takeover/event-store';

export interface StoreCounts {
  /** `readStream` calls per stream that started at the stream's beginning (a full read and fold). */
  readonly fullReads: Readonly<Record<string, number>>;
  /** `readStream` calls per stream that started after its beginning (`from` > 0: reading only what is new). */
  readonly catchUpReads: Readonly<Record<string, number>>;
  /** Events returned by `readStream`, per stream. */
  readonly eventsRead: Readonly<Record<string, number>>;
  readonly readAll: number;
  /** `appendToStream` calls per stream (whether they succeeded or conflicted). */
  readonly appends: Readonly<Record<string, number>>;
}

export interface CountingStore {
  readonly store: EventStore;
  readonly counts: () => StoreCounts;
  readonly reset: () => void;
}

/** Wraps a store to count what the engine asks of it, per stream: for tests that bound the reads of a command. */
export const countingStore = (inner: EventStore): CountingStore => {
  let fullReads: Record<string, number> = {};
  let catchUpReads: Record<string, number> = {};
  let eventsRead: Record<string, number> = {};
  let appends: Record<string, number> = {};
  let readAll = 0;
  const bump = (m: Record<string, number>, k: string, by = 1) => {
    m[k] = (m[k] ?? 0) + by;
  };
  const store: EventStore = {
    appendToStream: (streamId, events, options) => {
      const append = inner.appendToStream(streamId, events, options);
      return () => {
        bump(appends, streamId);
        return append();
      };
    },
    readStream: (streamId, options) => {
      const read = inner.readStream(streamId, options);
      return async () => {
        bump((options?.from ?? 0) > 0 && options?.direction !== 'backwards' ? catchUpReads : fullReads, streamId);
        const r = await read();
        if (r._tag === 'Right') bump(eventsRead, streamId, r.right.length);
        return r;
      };
    },
    readAll: (options) => {
      const read = inner.readAll(options);
      return () => {
        readAll += 1;
        return read();
      };
    },
    close: () => inner.close(),
  };
  return {
    store,
    counts: () => ({
      fullReads: { ...fullReads },
      catchUpReads: { ...catchUpReads },
      eventsRead: { ...eventsRead },
      readAll,
      appends: { ...appends },
    }),
    reset: () => {
      fullReads = {};
      catchUpReads = {};
      eventsRead = {};
      appends = {};
      readAll = 0;
    },
  };
};
