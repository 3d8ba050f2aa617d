export type {
  ConnectorError,
  RetryableError,
  PermanentError,
  AuthError,
  ProviderDetail,
  RetryableReason,
  PermanentReason,
} from './errors.js';
export {
  retryable,
  permanent,
  authFailed,
  isRetryable,
  isPermanent,
  isAuthError,
  isConnectorError,
  describeConnectorError,
} from './errors.js';
export { scrubText, scrubProvider } from './scrub.js';
export { parseRetryAfter, classifyHttpStatus, classifyNoResponse } from './http.js';
export { DirectoryAttributes, directoryAttributeNames } from './attributes.js';
export type { DirectoryAttributeName, NewAccountAttributes } from './attributes.js';
export type { ConnectorLogger } from './logger.js';
export { silentLogger } from './logger.js';
export { unknowablePassword } from './password.js';
export { ExternalUserId, externalUserId, hashedPassword } from './port.js';
export type {
  ExternalUserIdBrand,
  DirectoryConnector,
  ConnectorCapabilities,
  DirectoryDescription,
  HashFunction,
  HashedPassword,
  ResolveRequest,
  Resolution,
  PushRequest,
  PushOutcome,
  SessionOutcome,
  PolicyViolation,
  AmbiguityResolution,
  AccessCheck,
  ExternalChangeDetection,
  PasswordChange,
  PasswordChangePage,
  RemovedAccount,
} from './port.js';
export { isAmbiguous, diagnoseByDescribe } from './ambiguity.js';
