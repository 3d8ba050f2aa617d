import type { Client } from '@microsoft/microsoft-graph-client';
import type { Secret } from '@takeover/core';
import type { ConnectorLogger } from '@takeover/connector-kit';

export interface EntraConnectorConfig {
  /** The Graph client the host built (see `entraGraphClient`): app-only, retries off. */
  readonly graph: Client;
  /** The directory (tenant) id. */
  readonly tenantId: string;
  /** The tenant's default (verified) domain, e.g. `contoso.com`. */
  readonly domain: string;
  /** Default `Microsoft Entra ID (<domain>)`. */
  readonly displayName?: string;
  /** Per request; a request that takes longer is `retryable/timeout`. Default 30 s. */
  readonly timeoutMs?: number;
  /** Whether `resolve` may create missing accounts. Default true. */
  readonly createUsers?: boolean;
  /** Mirrors the tenant's `DisableStrongPassword` for `checkPassword`. Default false. */
  readonly disableStrongPassword?: boolean;
  /** The tenant's banned-password list, for `checkPassword` (Entra's own list is not published). */
  readonly isBanned?: (password: Secret) => boolean;
  readonly logger?: ConnectorLogger;
  /**
   * The app-only access token the Graph client uses (`entraGraphAccess(...).accessToken`). Optional;
   * with it, `diagnose` reads the token's `roles` (the granted permissions) and `oid` (the service
   * principal, whose directory roles it then looks up). Without it those checks are `unknown`.
   */
  readonly accessToken?: () => Promise<string>;
  /** The app registration's name, for diagnose's fixes. Default: the token's `app_displayname`, else `the takeover app`. */
  readonly appDisplayName?: string;
}
