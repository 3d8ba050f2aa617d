export { eventStoreDbEventStore, type EventStoreDbEventStore } from './eventStoreDbEventStore.js';
export {
  toEsdbExpected,
  fromEsdbVersion,
  translateError,
  toEsdbId,
  toStoredRow,
  toCheckpoint,
  fromCheckpoint,
  isHidden,
  CHECKPOINT_STREAM_PREFIX,
  type EsdbRecorded,
  type EsdbPosition,
} from './mapping.js';
