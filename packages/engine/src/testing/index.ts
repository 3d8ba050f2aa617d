export { manualIds } from './ids.js';
export { faultyConnector } from './faulty.js';
export type { FaultyConnector } from './faulty.js';
