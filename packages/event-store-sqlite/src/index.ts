export { openSqliteEventStore, type SqliteEventStore, type SqliteEventStoreOptions } from './sqliteEventStore.js';
export { schemaVersion } from './schema.js';
