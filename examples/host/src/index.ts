// @takeover/example-host: the application layer the HTTP layer and the tests build on.
export type * from './app/hostApp.js';
export { loadConfig, describeConfigErrors } from './config.js';
export type { ConfigError, HostConfig, StoreConfig, HostDbConfig, MailConfig, GoogleConfig, MicrosoftConfig, LogLevel } from './config.js';
export { createHostApp } from './app/createHostApp.js';
export type { HostAppOptions } from './app/createHostApp.js';
export {
  decodeCreateUser,
  decodeAttributeChanges,
  decodeStateChange,
  decodeBinding,
  decodePolicyChange,
  decodeCredentials,
  decodeActivation,
  decodePasswordChange,
  decodeVerify,
  decodePasswordCheck,
} from './app/inputs.js';
export { DEFAULT_SCRYPT_COST, TEST_SCRYPT_COST } from './db/passwords.js';
export type { ScryptCost } from './db/passwords.js';
export { DEFAULT_THROTTLE } from './db/throttle.js';
export type { ThrottleLimits } from './db/throttle.js';
export { startDemoEmulators, DEMO_PEOPLE, DEMO_DOMAIN } from './wiring/emulators.js';
export type { DemoEmulators, DemoEmulatorOptions } from './wiring/emulators.js';
export { GOOGLE, MICROSOFT } from './wiring/directories.js';
export { buildServer } from './http/server.js';
export type { BuildServerOptions } from './http/server.js';
