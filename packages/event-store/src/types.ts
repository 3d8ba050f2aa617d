import type { Either } from 'fp-ts/lib/Either.js';
import type { Checkpoint } from './checkpoint.js';

/** What the caller appends. `data` and `metadata` must be JSON-serialisable; `id` unique per event
 *  (a UUID or any unique string): it makes a retried append idempotent. */
export interface EventToAppend {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata?: unknown;
}

/** The stored shape handed to a decoder, and returned when no decoder is given. */
export interface RawEvent {
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
}

/** A stored event with where and when it was recorded. `revision` is its 0-based index in the stream. */
export interface RecordedEvent<E = RawEvent> {
  readonly id: string;
  readonly streamId: string;
  readonly revision: number;
  readonly position: Checkpoint;
  readonly recordedAt: Date;
  readonly event: E;
}

/** A stream's version is the revision of its last event; `no-stream` before the first. */
export type StreamVersion = number | 'no-stream';

/** `any`: no check; `no-stream`: must not exist; `stream-exists`: must have an event; a number:
 *  the stream's last revision must be exactly that. */
export type ExpectedVersion = 'any' | 'no-stream' | 'stream-exists' | number;

export interface AppendOptions {
  readonly expectedVersion?: ExpectedVersion;
}

export interface AppendResult {
  /** The stream's version after the append (pass it as the next expected version). */
  readonly nextExpectedVersion: number;
  /** The global position of the last event appended (`Checkpoint.start` for an empty batch, which
   *  only checks the version). */
  readonly position: Checkpoint;
}

export type Direction = 'forwards' | 'backwards';

/** Accepts io-ts codecs (`{ decode }` returning an Either) or any function of that shape. */
export interface EventDecoder<E> {
  readonly decode: (raw: RawEvent) => Either<unknown, E>;
}

export interface ReadStreamOptions<E> {
  /** First revision to return (inclusive). Default: 0 forwards, the last event backwards. */
  readonly from?: number;
  readonly direction?: Direction;
  readonly maxCount?: number;
  readonly decoder?: EventDecoder<E>;
}

export interface AllFilter {
  /** Only events of streams whose id starts with this. */
  readonly streamPrefix?: string;
}

export interface ReadAllOptions<E> {
  /** Return events strictly after this checkpoint. Default: `Checkpoint.start`. */
  readonly after?: Checkpoint;
  /** Page size (default 1,000). */
  readonly maxCount?: number;
  readonly filter?: AllFilter;
  readonly decoder?: EventDecoder<E>;
}

export interface AllPage<E> {
  readonly events: ReadonlyArray<RecordedEvent<E>>;
  /** Pass as `after` to read the next page. The last event's position, or, for an empty page,
   *  `after` or a later point (an adapter filtering on the client may skip what it excluded). */
  readonly checkpoint: Checkpoint;
}
