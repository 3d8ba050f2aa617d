export { entraConnector, MICROSOFT_ENTRA_KIND } from './connector.js';
export type { EntraConnectorConfig } from './config.js';
export { entraGraphClient, entraGraphAccess, entraClouds } from './client.js';
export type { EntraGraphClientOptions, EntraGraphAccess, EntraCredentials, EntraCloud } from './client.js';
export { ENTRA_PASSWORD_PERMISSIONS, ENTRA_RESET_ROLES, ENTRA_ADMIN_RESET_ROLES } from './diagnose.js';
export { odataString, filterValue } from './mapping.js';
