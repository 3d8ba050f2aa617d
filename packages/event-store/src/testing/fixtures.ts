import { randomUUID } from 'node:crypto';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import * as t from 'io-ts';
import type { CheckpointStore } from '../checkpointStore.js';
import type { EventStore } from '../eventStore.js';
import type { EventToAppend } from '../types.js';

/** What an adapter hands the contract suite. */
export interface ContractSubject {
  readonly store: EventStore;
  readonly checkpoints: CheckpointStore;
  /**
   * Stores, bypassing the port, an event at `streamId`'s next revision that `CountedEvent` cannot
   * decode (invalid JSON where the store allows it, else `data.n` that is not a number).
   */
  readonly plantCorruptEvent: (streamId: string) => Promise<void>;
}

export interface ContractOptions {
  /** Once per test file: a store the tests share (each test uses its own stream prefix). */
  readonly setup: () => Promise<ContractSubject>;
  readonly teardown?: (subject: ContractSubject) => Promise<void>;
  /** A second instance on the same storage (a restarted process). Default: the same subject. */
  readonly reopen?: (subject: ContractSubject) => Promise<ContractSubject>;
  /** Fraction of the concurrency test's 4,000 events (default 1; never below 4 writers). */
  readonly scale?: number;
  /** Set when the store keeps event ids unique per stream only (EventStoreDB): the tests of
   *  cross-stream `DuplicateEventId` are then skipped, and say so. */
  readonly eventIdsUniquePerStreamOnly?: boolean;
  /** Skips the whole suite with this reason (e.g. what to set to run it). */
  readonly skip?: string;
}

/** The decoder the suite reads with: `Counted { n: number }`. */
export const CountedEvent = t.type({
  type: t.literal('Counted'),
  data: t.type({ n: t.number }),
  metadata: t.unknown,
});
export type CountedEvent = t.TypeOf<typeof CountedEvent>;

export const counted = (n: number, extra: Partial<EventToAppend> = {}): EventToAppend => ({
  id: randomUUID(),
  type: 'Counted',
  data: { n },
  metadata: { by: 'contract' },
  ...extra,
});

/** A fresh prefix per test, so tests sharing one store never see each other's streams. */
export const uniquePrefix = (label: string): string => `${label}${randomUUID().slice(0, 8)}-`;

/** Runs a TaskEither and fails the test if it is a Left. */
export const orFail = async <A>(task: TE.TaskEither<unknown, A>): Promise<A> => {
  const r = await task();
  if (r._tag === 'Left') throw new Error(`unexpected Left: ${JSON.stringify(r.left)}`);
  return r.right;
};

export const leftOf = async <L>(task: TE.TaskEither<L, unknown>): Promise<L> => {
  const r = await task();
  if (r._tag === 'Right') throw new Error(`expected a Left, got ${JSON.stringify(r.right)}`);
  return r.left;
};

export const waitUntil = async (cond: () => boolean, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

/**
 * Waits until `count` events under `prefix` are visible in the global order. A store may hold a new
 * event back from `readAll` while an older transaction is still open (PostgreSQL's global order
 * does, for every transaction on the server: another test's, another process's), so a test that
 * reads the global order right after appending waits for its own events first (up to `timeoutMs`,
 * generous: it bounds a stuck store, it does not time anything).
 */
export const untilVisible = async (store: EventStore, prefix: string, count: number, timeoutMs = 60_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const page = await store.readAll({ filter: { streamPrefix: prefix }, maxCount: count })();
    if (page._tag === 'Left') return; // the store answered (an undecodable event, say): the caller's assertions read it
    const seen = page.right.events.length;
    if (seen >= count) return;
    if (Date.now() > deadline)
      throw new Error(`only ${String(seen)} of the ${String(count)} events under ${prefix} became visible in the global order`);
    await new Promise((r) => setTimeout(r, 10));
  }
};
