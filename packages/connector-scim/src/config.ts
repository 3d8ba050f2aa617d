import type { Secret } from '@takeover/core';
import type { ConnectorLogger, PolicyViolation } from '@takeover/connector-kit';

export interface ScimConnectorConfig {
  /** The SCIM base URL, e.g. `https://idp.example.com/scim/v2` (the `/Users` endpoint hangs off it). */
  readonly baseUrl: string;
  /** The bearer token the service provider issued (RFC 7644 §2: OAuth bearer). */
  readonly bearerToken: Secret;
  /** What admins and users call this directory. */
  readonly displayName: string;
  /** The domain its accounts live in. */
  readonly domain: string;
  /** Per request; a request that takes longer is `retryable/timeout`. Default 30 s. */
  readonly timeoutMs?: number;
  /** Whether `resolve` may create missing accounts (the directory policy decides per request too). Default true. */
  readonly createUsers?: boolean;
  /**
   * The service provider's password rules, as a pure function (SCIM has no policy endpoint).
   * Default: 8 to 256 characters.
   */
  readonly passwordPolicy?: (password: Secret) => ReadonlyArray<PolicyViolation>;
  /** Defaults to Node's global fetch; tests and proxies pass their own. */
  readonly fetch?: typeof fetch;
  readonly logger?: ConnectorLogger;
}
