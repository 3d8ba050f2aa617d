export { googleWorkspaceConnector, GOOGLE_WORKSPACE_KIND } from './connector.js';
export type { GoogleWorkspaceConnectorConfig } from './config.js';
export { googleDirectoryClient, DIRECTORY_USER_SCOPE, DIRECTORY_USER_SECURITY_SCOPE, REPORTS_AUDIT_READONLY_SCOPE } from './client.js';
export type {
  GoogleDirectoryClientOptions,
  GoogleDirectoryClient,
  GoogleAccessProbe,
  GoogleProbeOptions,
  GoogleReportsAccess,
} from './client.js';
export { serviceAccountKeyFromFile, serviceAccountKeyFromJson, ServiceAccountKeyFile } from './key.js';
export type { ServiceAccountCredentials, KeyFileRejected } from './key.js';
export { attributeFields, googleHashFunctions } from './mapping.js';
export type { GoogleUserWrite } from './mapping.js';
