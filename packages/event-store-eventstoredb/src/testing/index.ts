// The adapter's pure mappings, exported for tests and tools (`@takeover/event-store-eventstoredb/testing`):
// not part of the main entry point's API.
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
  type EsdbExpected,
} from '../mapping.js';
