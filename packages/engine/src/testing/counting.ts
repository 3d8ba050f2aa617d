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

/** One call the store saw, in the order the calls were made: what a failing count is explained with. */
export interface StoreCall {
  readonly op: 'append' | 'read' | 'readAll';
  readonly stream: string;
  /** A read's first version (0: from the start), or an append's expected version. */
  readonly at: string;
  /** The types of the events appended, or read. */
  readonly types: ReadonlyArray<string>;
  /** How the call ended: `ok`, or the error's tag (a conflict, …). */
  readonly outcome: string;
  /** The caller's frames (this package's and the tests'), innermost first. */
  readonly stack: ReadonlyArray<string>;
}

export interface CountingStore {
  readonly store: EventStore;
  readonly counts: () => StoreCounts;
  /** Every call since the last `reset`, with the event types and the caller's stack. */
  readonly calls: () => ReadonlyArray<StoreCall>;
  /** `calls`, one line each: for a test to print when a count is not the one it expects. */
  readonly describe: () => string;
  readonly reset: () => void;
}

const callerStack = (): ReadonlyArray<string> =>
  (new Error().stack ?? '')
    .split('\n')
    .slice(3)
    .map((l) => l.trim().replace(/^at /, ''))
    .filter((l) => !l.includes('node_modules') && !l.includes('node:internal') && !l.includes('/testing/counting.'))
    .map((l) => l.replace(/\(.*\/(packages\/[^)]*)\)/, '($1)'))
    .slice(0, 6);

/** The `type` of each event appended (`EventToAppend`) or read (`RecordedEvent`: decoded or raw, each has one). */
const typesOf = (events: ReadonlyArray<unknown>): ReadonlyArray<string> =>
  events.map((e) => {
    const x = e as { readonly type?: unknown; readonly event?: { readonly type?: unknown } };
    const type = x.type ?? x.event?.type;
    return typeof type === 'string' ? type : '?';
  });

/** Wraps a store to count what the engine asks of it, per stream: for tests that bound the reads of a command. */
export const countingStore = (inner: EventStore): CountingStore => {
  let fullReads: Record<string, number> = {};
  let catchUpReads: Record<string, number> = {};
  let eventsRead: Record<string, number> = {};
  let appends: Record<string, number> = {};
  let readAll = 0;
  let log: StoreCall[] = [];
  const bump = (m: Record<string, number>, k: string, by = 1) => {
    m[k] = (m[k] ?? 0) + by;
  };
  const outcomeOf = (r: { readonly _tag: string; readonly left?: unknown }): string => {
    if (r._tag === 'Right') return 'ok';
    const tag = (r.left as { readonly _tag?: unknown } | undefined)?._tag;
    return typeof tag === 'string' ? tag : 'failed';
  };
  const store: EventStore = {
    appendToStream: (streamId, events, options) => {
      const append = inner.appendToStream(streamId, events, options);
      const stack = callerStack();
      return async () => {
        bump(appends, streamId);
        const log0 = log;
        const r = await append();
        log0.push({
          op: 'append',
          stream: streamId,
          at: String(options?.expectedVersion ?? 'any'),
          types: typesOf(events),
          outcome: outcomeOf(r),
          stack,
        });
        return r;
      };
    },
    readStream: (streamId, options) => {
      const read = inner.readStream(streamId, options);
      const stack = callerStack();
      return async () => {
        bump((options?.from ?? 0) > 0 && options?.direction !== 'backwards' ? catchUpReads : fullReads, streamId);
        const log0 = log;
        const r = await read();
        if (r._tag === 'Right') bump(eventsRead, streamId, r.right.length);
        log0.push({
          op: 'read',
          stream: streamId,
          at: `${options?.direction === 'backwards' ? 'backwards ' : ''}${String(options?.from ?? 0)}`,
          types: r._tag === 'Right' ? typesOf(r.right) : [],
          outcome: outcomeOf(r),
          stack,
        });
        return r;
      };
    },
    readAll: (options) => {
      const read = inner.readAll(options);
      const stack = callerStack();
      return async () => {
        readAll += 1;
        const log0 = log;
        const r = await read();
        log0.push({ op: 'readAll', stream: '$all', at: 'checkpoint', types: [], outcome: outcomeOf(r), stack });
        return r;
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
    calls: () => [...log],
    describe: () =>
      log
        .map((c, i) => `${i + 1}. ${c.op} ${c.stream} @${c.at} [${c.types.join(', ')}] ${c.outcome}\n     ${c.stack.join('\n     ')}`)
        .join('\n'),
    reset: () => {
      fullReads = {};
      catchUpReads = {};
      eventsRead = {};
      appends = {};
      readAll = 0;
      log = [];
    },
  };
};
