export { entraTarget, entraFault } from './target.js';
export { entraConformanceFactory, entraConnectorForEmulator } from './factory.js';
export type { EntraEmulatorConnectorOptions } from './factory.js';
