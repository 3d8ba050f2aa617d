export { googleWorkspaceConnector, GOOGLE_WORKSPACE_KIND } from './connector.js';
export type { GoogleWorkspaceConnectorConfig } from './config.js';
export { googleDirectoryClient, DIRECTORY_USER_SCOPE, DIRECTORY_USER_SECURITY_SCOPE, REPORTS_AUDIT_READONLY_SCOPE } from './client.js';
export type { GoogleDirectoryClientOptions, GoogleDirectoryClient, GoogleAccessProbe, GoogleProbeOptions } from './client.js';
export { serviceAccountKeyFromFile, serviceAccountKeyFromJson, ServiceAccountKeyFile } from './key.js';
export type { ServiceAccountCredentials, KeyFileRejected } from './key.js';
export { fromGoogleResponse } from './errors.js';
export type { GoogleRequestFacts } from './errors.js';
export { attributeFields, googleAttributes, googleHashFunctions } from './mapping.js';
