export { entraConnector, MICROSOFT_ENTRA_KIND } from './connector.js';
export type { EntraConnectorConfig } from './config.js';
export { entraGraphClient, entraClouds } from './client.js';
export type { EntraGraphClientOptions, EntraCredentials, EntraCloud } from './client.js';
export { fromGraphAnswer } from './errors.js';
export type { GraphAnswer, GraphRequestFacts } from './errors.js';
export { graphAttributes, entraAttributes } from './mapping.js';
