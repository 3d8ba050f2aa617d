export { entraTarget, entraFault } from './target.js';
export { entraConformanceFactory, entraConnectorForEmulator } from './factory.js';
export type { EntraEmulatorConnectorOptions } from './factory.js';
// The pure mappings, exported for tests and tools (not part of the main entry point's API).
export { fromGraphAnswer } from '../errors.js';
export type { GraphAnswer, GraphRequestFacts } from '../errors.js';
export { graphAttributes, entraAttributes } from '../mapping.js';
