import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { AppendError, ReadError } from './errors.js';
import type {
  AllPage,
  AppendOptions,
  AppendResult,
  EventToAppend,
  RawEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
} from './types.js';

/**
 * The event store port. Every adapter passes `@takeover/event-store/testing`'s contract suite.
 * Nothing throws across it except programmer errors (e.g. an event whose data is not serialisable).
 */
export interface EventStore {
  /** Appends atomically with an optimistic version check (default `any`). Retrying the same batch
   *  (same event ids) after a lost acknowledgement returns the original result and writes nothing. */
  appendToStream(streamId: string, events: ReadonlyArray<EventToAppend>, options?: AppendOptions): TaskEither<AppendError, AppendResult>;

  /** A stream's events in revision order (or reverse). A missing stream reads as empty. The first
   *  event that fails to parse or decode fails the read with `CorruptEvent`. */
  readStream<E = RawEvent>(streamId: string, options?: ReadStreamOptions<E>): TaskEither<ReadError, ReadonlyArray<RecordedEvent<E>>>;

  /** One page of the global order strictly after a checkpoint. Events appear here only once no
   *  earlier position can still appear, so paging by `checkpoint` never skips or repeats. */
  readAll<E = RawEvent>(options?: ReadAllOptions<E>): TaskEither<ReadError, AllPage<E>>;

  /** Optional: calls `listener` soon after appends commit (several appends may share a call; a call
   *  may come with nothing new). Returns the unsubscribe. `subscribe` wakes up on it instead of waiting
   *  out its poll interval; adapters without it are polled. */
  readonly onAppended?: (listener: () => void) => () => void;

  /** Releases what the adapter opened itself (never a pool or client the host passed in). */
  close(): Promise<void>;
}
