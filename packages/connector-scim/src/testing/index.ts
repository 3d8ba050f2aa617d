export { startScimTestServer } from './server.js';
export type { ScimTestServer } from './server.js';
export type { StoredUser } from './store.js';
export { scimTarget, scimConformanceFactory } from './target.js';
