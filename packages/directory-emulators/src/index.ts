export { startGoogleEmulator } from './google/emulator.js';
export type { GoogleEmulator, GoogleEmulatorOptions, GoogleProfile } from './google/emulator.js';
export {
  REALISTIC_PROPAGATION_DELAY_MS as GOOGLE_REALISTIC_PROPAGATION_DELAY_MS,
  REALISTIC_REPORTS_LAG_MS as GOOGLE_REALISTIC_REPORTS_LAG_MS,
} from './google/emulator.js';
export type { ServiceAccountKey } from './google/applySeed.js';
export type { GoogleUserInspection } from './google/render.js';
export type { GoogleAuditEntry } from './google/state.js';
export type { GoogleDump } from './google/dump.js';
export type { GoogleQuotaName } from './google/runtime.js';
export {
  GoogleSeed,
  DIRECTORY_USER_SCOPE,
  DIRECTORY_USER_READONLY_SCOPE,
  DIRECTORY_USER_SECURITY_SCOPE,
  REPORTS_AUDIT_READONLY_SCOPE,
} from './google/seed.js';
export { GOOGLE_TOKEN_URL } from './google/token.js';
export { googleReasons } from './google/errors.js';
export type { GoogleReason } from './google/errors.js';
export type { EmulatorControl, SeedRejected } from './common/control.js';
export type { FaultSpec, ActiveFault } from './common/faults.js';
export type { ErrorAnswer } from './common/requestStats.js';
export type { QuotaSpec } from './common/tokenBucket.js';
export type { LogSink } from './common/http.js';
export type { UserPasswordChange } from './common/adminRoutes.js';
export type { Verifier } from './common/verifier.js';
export { startEntraEmulator } from './entra/emulator.js';
export type { EntraEmulator, EntraEmulatorOptions, EntraProfile, EntraTls } from './entra/emulator.js';
export { REALISTIC_PROPAGATION_DELAY_MS } from './entra/emulator.js';
export { ROLE_TEMPLATE_IDS, RESETS_ADMINS, RESETS_NON_ADMINS, SENSITIVE_PROPERTIES } from './entra/roles.js';
export { FEDERATED_PASSWORD_CODE, FEDERATED_PASSWORD_MESSAGE, FEDERATED_PASSWORD_STATUS } from './entra/errors.js';
export type { EntraAppCredentials, EntraTenantInfo } from './entra/applySeed.js';
export type { EntraUserInspection } from './entra/render.js';
export type { EntraAuditEntry } from './entra/state.js';
export type { EntraDump } from './entra/dump.js';
export type { EntraQuotaName } from './entra/runtime.js';
export { EntraSeed, DEFAULT_APP_PERMISSIONS } from './entra/seed.js';
export { PASSWORD_COMPLEXITY } from './entra/errors.js';
export { compliesWithEntraPolicy } from './entra/policy.js';
export type { EntraPolicyContext } from './entra/policy.js';
export { generateCertificateAuthority, generateClientCertificate } from './common/tls.js';
export type { PemPair, CertificateAuthority, ClientCertificate } from './common/tls.js';
export { runEmulators, USAGE } from './cli/run.js';
export type { RunningEmulators, CliFailure } from './cli/run.js';
export { SeedFile } from './cli/seedFile.js';
