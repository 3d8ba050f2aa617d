import * as t from 'io-ts';

/** The brand that makes {@link Checkpoint} a distinct string type (type-level only; no value exists). */
export interface CheckpointBrand {
  readonly Checkpoint: unique symbol;
}

/**
 * A position in the global order, opaque to callers: store it, hand it back, never parse it.
 * Each adapter defines its text (in-memory and SQLite: the global position; PostgreSQL:
 * `<xid8>/<position>`; EventStoreDB: `<commit>/<prepare>`). `Checkpoint.start` is before everything.
 */
export type Checkpoint = t.Branded<string, CheckpointBrand>;

const codec = t.brand(t.string, (s): s is Checkpoint => s.length > 0, 'Checkpoint');

export const Checkpoint = {
  /** Before the first event of every store. */
  start: 'start' as Checkpoint,
  /** The io-ts codec, for checkpoint stores that keep it as text. */
  codec,
  /** For adapters: wrap the text they produced. */
  unsafeOf: (text: string): Checkpoint => text as Checkpoint,
  isStart: (c: Checkpoint): boolean => c === 'start',
};
