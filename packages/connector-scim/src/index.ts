export { scimConnector, SCIM_KIND } from './connector.js';
export type { ScimConnectorConfig } from './config.js';
export { defaultScimPasswordPolicy } from './policy.js';
