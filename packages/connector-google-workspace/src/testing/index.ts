export { googleTarget, googleFault } from './target.js';
export { googleConformanceFactory, googleConnectorForEmulator } from './factory.js';
export type { GoogleEmulatorConnectorOptions } from './factory.js';
