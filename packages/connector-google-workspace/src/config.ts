import type { admin_directory_v1 } from '@googleapis/admin';
import type { PasswordPolicy } from '@takeover/core';
import type { ConnectorLogger } from '@takeover/connector-kit';
import type { GoogleAccessProbe, GoogleReportsAccess } from './client.js';

export interface GoogleWorkspaceConnectorConfig {
  /**
   * The Admin SDK Directory client the host built (see `googleDirectoryClient`), authorised as a
   * service account with domain-wide delegation impersonating an admin.
   */
  readonly directory: admin_directory_v1.Admin;
  /** The Workspace's primary domain, e.g. `example.com`. */
  readonly domain: string;
  /** What admins and users call this directory. Default `Google Workspace (<domain>)`. */
  readonly displayName?: string;
  /** Per request; a request that takes longer is `retryable/timeout`. Default 30 s. */
  readonly timeoutMs?: number;
  /** Whether `resolve` may create missing accounts (the directory policy decides per request too). Default true. */
  readonly createUsers?: boolean;
  /** The tenant's password rules for `checkPassword`. Default Google's: 8 to 100 printable ASCII characters. */
  readonly passwordPolicy?: PasswordPolicy;
  readonly logger?: ConnectorLogger;
  /**
   * `googleDirectoryClient(…).access`: lets `diagnose` ask for each scope on its own and name the
   * service account's client id in its fixes. Without it the scope checks are `unknown`.
   */
  readonly access?: GoogleAccessProbe;
  /**
   * `googleDirectoryClient(…).reports`: notice password changes made in Google outside Takeover
   * (R16) through the Reports API, at login and in the engine's sweep. Needs
   * admin.reports.audit.readonly delegated (diagnose then reports it missing when it is not).
   * Without it the connector declares no detection.
   */
  readonly reports?: GoogleReportsAccess;
}
