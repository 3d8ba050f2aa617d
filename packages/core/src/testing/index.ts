// Test helpers for deciders built on @takeover/core (import from `@takeover/core/testing`).
export { given, specification } from './spec.js';
export { historyOf } from './history.js';
export type { ExpectedEvent, ExpectedError, Given, Then } from './spec.js';
export { t, uid, did, key, cid, admin, setterOf, ada, googleWorkspace, microsoftEntra, directoriesOf } from './fixtures.js';
