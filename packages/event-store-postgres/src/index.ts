export {
  createPostgresEventStore,
  connectPostgresEventStore,
  type PostgresEventStore,
  type PostgresEventStoreOptions,
} from './postgresEventStore.js';
export { migrations } from './migrations.js';
