export {
  createPostgresEventStore,
  connectPostgresEventStore,
  type PostgresEventStore,
  type PostgresEventStoreOptions,
} from './postgresEventStore.js';
export { migrations } from './migrations.js';
export {
  createPostgresQuotaBudget,
  type PostgresQuotaBudget,
  type PostgresQuotaBudgetOptions,
  type PostgresBudgetSlot,
  type BudgetPacing,
} from './quotaBudget.js';
