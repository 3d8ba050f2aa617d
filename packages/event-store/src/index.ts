export type { EventStore } from './EventStore.js';
export type {
  AllFilter,
  AllPage,
  AppendOptions,
  AppendResult,
  Direction,
  EventDecoder,
  EventToAppend,
  ExpectedVersion,
  RawEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamVersion,
} from './types.js';
export { Checkpoint } from './Checkpoint.js';
export * from './errors.js';
export type { CheckpointStore } from './CheckpointStore.js';
export { inMemoryCheckpointStore, handlerManagedCheckpoints } from './CheckpointStore.js';
export { subscribe, type SubscribeOptions, type Subscription } from './subscribe.js';
export { inMemoryEventStore, type InMemoryEventStore, type InMemoryRow } from './in-memory/inMemoryEventStore.js';
// For adapter authors: the shared append and decoding rules.
export { satisfies, checkVersion, idempotentOutcome, type StoredId } from './append-rules.js';
export { toRecorded, toRecordedAll, serialise, formatDecodeError, type StoredRow } from './decode.js';
