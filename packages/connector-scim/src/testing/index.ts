export { startScimTestServer } from './server.js';
export type { ScimTestServer } from './server.js';
export type { StoredUser, StoredPasswordVerifier } from './store.js';
export { scimTarget, scimConformanceFactory } from './target.js';
// The pure error mapping, exported for tests and tools (not part of the main entry point's API).
export { fromScimError } from '../errors.js';
