import type { DirectoryAttributes } from '../attributes.js';
import type { ConnectorLogger } from '../logger.js';
import type { DirectoryConnector, ExternalUserId } from '../port.js';

/**
 * A provider failure the target makes its next directory API request fail with (token requests
 * excluded), once. Each maps to exactly one error class:
 *
 * | fault              | provider does                              | connector must return           |
 * |--------------------|--------------------------------------------|---------------------------------|
 * | `not-found`        | 404 with its error body                    | permanent / not-found           |
 * | `policy-reject`    | its "password breaks the policy" answer    | permanent / policy-rejected     |
 * | `forbidden`        | 403 (no rights over this user)             | permanent / forbidden           |
 * | `auth`             | 401 (credentials or consent broken)        | auth                            |
 * | `throttle`         | 429 with `Retry-After: retryAfterSeconds`  | retryable / throttled, retryAfter = seconds × 1000 |
 * | `unavailable`      | 503, no `Retry-After`                      | retryable / server, no retryAfter |
 * | `timeout`          | no answer for longer than the connector's timeout | retryable / timeout      |
 * | `connection-reset` | drops the connection                       | retryable / connection          |
 *
 * `echoPassword`: the rejection's message quotes the submitted password (as careless servers do),
 * to prove the connector scrubs provider text. Every target must honour it.
 */
export type Fault =
  | { readonly kind: 'not-found' }
  | { readonly kind: 'policy-reject'; readonly echoPassword?: boolean }
  | { readonly kind: 'forbidden' }
  | { readonly kind: 'auth' }
  | { readonly kind: 'throttle'; readonly retryAfterSeconds: number }
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'connection-reset' };

export interface SeedUser {
  readonly primaryEmail: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly password: string;
}

/** The suite's view of the directory behind the connector: inspect it, and disturb it. */
export interface ConformanceTarget {
  /** Seeded and created accounts live in this domain (`example.com`). */
  readonly emailDomain: string;
  /** The domain or tenant `describe()` must name, when it is not `emailDomain` (compared case-insensitively). */
  readonly expectedDomain?: string;
  /**
   * Whether the directory itself would take `password` (its own policy, as it applies on a password
   * set): the suite compares `checkPassword` with it, so a password the directory refuses must be flagged.
   */
  readonly acceptsPassword: (password: string) => Promise<boolean>;
  /**
   * A keyed digest of the account's current password (the target draws the key; never the plaintext,
   * never stored): equal for two accounts exactly when their passwords are equal. Undefined when the
   * account has no password or it cannot be fingerprinted (set as a hash). The suite uses it to prove
   * that no two accounts created for missing users share a password.
   */
  readonly passwordFingerprint: (id: ExternalUserId) => Promise<string | undefined>;
  /** Creates an account directly in the directory (not through the connector); returns its id. */
  readonly seedUser: (user: SeedUser) => Promise<ExternalUserId>;
  /** Whether the directory would accept this password for the user now (checked against its verifier). */
  readonly passwordMatches: (id: ExternalUserId, password: string) => Promise<boolean>;
  readonly readAttributes: (id: ExternalUserId) => Promise<DirectoryAttributes>;
  readonly isSuspended: (id: ExternalUserId) => Promise<boolean>;
  /** How many times the user's sessions were ended on request (signOut, revokeSignInSessions); side effects of a password set do not count. */
  readonly sessionRevocations: (id: ExternalUserId) => Promise<number>;
  /**
   * Changes the account's password in the directory as its user would there (not through the
   * connector, not as the connector's account), at a time later than any change before it at the
   * directory's grain (an emulator moves its clock on). Required when the connector declares
   * `capabilities.externalChanges`.
   */
  readonly changePasswordAsUser?: (id: ExternalUserId, password: string) => Promise<void>;
  /** Makes the next directory API request fail with `fault`, once. */
  readonly injectFault: (fault: Fault) => Promise<void>;
}

export interface ConformanceFixture {
  readonly connector: DirectoryConnector;
  readonly target: ConformanceTarget;
  /** Releases what the factory started (servers, sockets). */
  readonly close: () => Promise<void>;
}

export interface ConformanceEnvironment {
  /** Give this logger to the connector: the suite searches everything logged through it. */
  readonly logger: ConnectorLogger;
}

/**
 * Builds a fresh connector and target for one check. Configure the connector with a short request
 * timeout (a second or two): the `timeout` fault waits that long.
 */
export type ConformanceFactory = (env: ConformanceEnvironment) => Promise<ConformanceFixture>;
