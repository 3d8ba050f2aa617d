export type { EventStore } from './eventStore.js';
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
export { Checkpoint } from './checkpoint.js';
export type { CheckpointBrand } from './checkpoint.js';
export * from './errors.js';
export type { CheckpointStore } from './checkpointStore.js';
export { inMemoryCheckpointStore, handlerManagedCheckpoints } from './checkpointStore.js';
export { subscribe, type SubscribeOptions, type Subscription } from './subscribe.js';
export { inMemoryEventStore, type InMemoryEventStore, type InMemoryRow } from './in-memory/inMemoryEventStore.js';
// For adapter authors: the shared append and decoding rules.
export { satisfies, checkVersion, idempotentOutcome, type StoredId } from './appendRules.js';
export { toRecorded, toRecordedAll, serialise, formatDecodeError, type StoredRow } from './decode.js';
