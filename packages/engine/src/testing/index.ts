export { manualIds } from './ids.js';
export { faultyConnector } from './faulty.js';
export type { FaultyConnector } from './faulty.js';
export { countingStore } from './counting.js';
export type { CountingStore, StoreCall, StoreCounts } from './counting.js';
export { userListContract } from './userListContract.js';
export type { UserListSubject, UserListContractOptions } from './userListContract.js';
export { readSideContract, readSideFixture } from './readSideContract.js';
export { sweepCursorContract } from './sweepCursorContract.js';
export type { SweepCursorSubject, SweepCursorContractOptions } from './sweepCursorContract.js';
export type { ReadSideSubject, ReadSideContractOptions, ReadSideFixture } from './readSideContract.js';
// A Mailer that appends each mail as a JSON line to a file: for tests and local runs, not production.
export { fileOutbox } from '../mail/outbox.js';
