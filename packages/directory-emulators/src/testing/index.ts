// Test helpers: official clients configured for the emulators (`@takeover/directory-emulators/testing`).
export { googleDirectoryClients, googleJwtClient, redirectTokenRequests } from './google.js';
export type { GoogleClientOptions, GoogleDirectoryClients, GoogleEmulatorEndpoint } from './google.js';
export {
  entraClientCertificateCredential,
  entraClientSecretCredential,
  entraFetchDispatcher,
  entraGraphClient,
  entraHttpsAgent,
  GRAPH_DEFAULT_SCOPE,
} from './entra.js';
export type { EntraCredentialOptions, EntraEmulatorEndpoint, GraphClientOptions } from './entra.js';
