export { eventStoreDbEventStore, type EventStoreDbEventStore } from './eventStoreDbEventStore.js';
