// Test helpers: official clients configured for the emulators (`@takeover/directory-emulators/testing`).
export { googleDirectoryClients, googleJwtClient, redirectTokenRequests } from './google.js';
export type { GoogleClientOptions, GoogleDirectoryClients, GoogleEmulatorEndpoint } from './google.js';
