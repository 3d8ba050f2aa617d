export { googleTarget, googleFault } from './target.js';
export { googleConformanceFactory, googleConnectorForEmulator } from './factory.js';
export type { GoogleEmulatorConnectorOptions } from './factory.js';
// The pure mappings, exported for tests and tools (not part of the main entry point's API).
export { fromGoogleResponse } from '../errors.js';
export type { GoogleRequestFacts } from '../errors.js';
export { googleAttributes } from '../mapping.js';
