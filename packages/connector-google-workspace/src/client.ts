import { admin_directory_v1, admin_reports_v1 } from '@googleapis/admin';
import { JWT } from 'google-auth-library';
import { reveal } from '@takeover/core';
import type { ServiceAccountCredentials } from './key.js';

export const DIRECTORY_USER_SCOPE = 'https://www.googleapis.com/auth/admin.directory.user';
/** Needed for users.signOut only. */
export const DIRECTORY_USER_SECURITY_SCOPE = 'https://www.googleapis.com/auth/admin.directory.user.security';
/** Optional: the Reports API's audit (password changes made in Google, R16). */
export const REPORTS_AUDIT_READONLY_SCOPE = 'https://www.googleapis.com/auth/admin.reports.audit.readonly';

/** Where google-auth-library sends the JWT-bearer grant; it ignores a key file's `token_uri`. */
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

export interface GoogleDirectoryClientOptions {
  /** The service account (from `serviceAccountKeyFromFile` / `serviceAccountKeyFromJson`, or values). */
  readonly credentials: ServiceAccountCredentials;
  /** The admin the service account impersonates through domain-wide delegation. */
  readonly subject: string;
  /** Default: admin.directory.user and admin.directory.user.security (drop the latter if you never end sessions). */
  readonly scopes?: ReadonlyArray<string>;
  /** The API's root, with a trailing slash. Default https://admin.googleapis.com/ (set for an emulator). */
  readonly rootUrl?: string;
  /** The token endpoint. Default https://oauth2.googleapis.com/token (set for an emulator). */
  readonly tokenUrl?: string;
  /** Default: Node's global fetch. */
  readonly fetch?: typeof fetch;
}

/** The request options every probe call takes (retries off, a timeout). */
export interface GoogleProbeOptions {
  readonly retry: false;
  readonly timeout: number;
}

/**
 * What `diagnose` needs beyond the Directory client: who the connector is (service account, client
 * id, impersonated admin) and a way to ask the token endpoint for one set of scopes at a time, so a
 * scope missing from domain-wide delegation is named instead of failing every call alike.
 */
export interface GoogleAccessProbe {
  readonly serviceAccount: string;
  /** The numeric client id an admin authorises (from the key file's `client_id`), when known. */
  readonly clientId?: string;
  readonly subject: string;
  /** One JWT-bearer grant for exactly these scopes. Resolves when Google issued a token. */
  readonly token: (scopes: ReadonlyArray<string>) => Promise<{ readonly status: number; readonly data: unknown }>;
  /** Reports API activities.list (admin application, one item) with a token for the audit scope only. */
  readonly reports: (options: GoogleProbeOptions) => Promise<{ readonly status: number; readonly data: unknown }>;
}

/**
 * The Reports API client (a token for admin.reports.audit.readonly only) and the admin whose
 * password sets are ours: give it to the connector's `reports` to notice password changes made in
 * Google (R16).
 */
export interface GoogleReportsAccess {
  readonly client: admin_reports_v1.Admin;
  /** The impersonated admin: the actor of the connector's own CHANGE_PASSWORD events. */
  readonly actor: string;
}

export interface GoogleDirectoryClient {
  readonly auth: JWT;
  readonly directory: admin_directory_v1.Admin;
  /** For the connector's `reports` (detection of external password changes; needs the audit scope delegated). */
  readonly reports: GoogleReportsAccess;
  /** Give it to the connector's config (`access`) so `diagnose` can check each scope. */
  readonly access: GoogleAccessProbe;
}

const jwtClient = (options: GoogleDirectoryClientOptions, scopes: ReadonlyArray<string>): JWT => {
  const { credentials } = options;
  const auth = new JWT({
    email: credentials.clientEmail,
    key: reveal(credentials.privateKey),
    ...(credentials.privateKeyId === undefined ? {} : { keyId: credentials.privateKeyId }),
    subject: options.subject,
    scopes: [...scopes],
    // Without it gaxios may fall back to importing node-fetch; the global fetch is what we want.
    transporterOptions: { fetchImplementation: options.fetch ?? fetch },
  });
  const tokenUrl = options.tokenUrl;
  auth.transporter.interceptors.request.add({
    resolved: (opts) => {
      opts.retry = false;
      if (opts.retryConfig !== undefined) opts.retryConfig = { ...opts.retryConfig, retry: 0, noResponseRetries: 0 };
      if (tokenUrl !== undefined) {
        const url = new URL(opts.url);
        if (`${url.origin}${url.pathname}` === GOOGLE_TOKEN_URL) opts.url = new URL(tokenUrl);
      }
      return Promise.resolve(opts);
    },
  });
  return auth;
};

/**
 * The JWT client (service account with domain-wide delegation) and the Directory client, with
 * every automatic retry off: gaxios would retry PUTs (and the token POST) on 408/429/5xx on its
 * own and ignore `Retry-After`; the engine is the one retry layer. An interceptor on the client's
 * transporter sets that for every request it sends, API and token requests alike, and sends the
 * token request to `tokenUrl` when one is given.
 */
export const googleDirectoryClient = (options: GoogleDirectoryClientOptions): GoogleDirectoryClient => {
  const auth = jwtClient(options, options.scopes ?? [DIRECTORY_USER_SCOPE, DIRECTORY_USER_SECURITY_SCOPE]);
  const root = options.rootUrl === undefined ? {} : { rootUrl: options.rootUrl };
  const access: GoogleAccessProbe = {
    serviceAccount: options.credentials.clientEmail,
    ...(options.credentials.clientId === undefined ? {} : { clientId: options.credentials.clientId }),
    subject: options.subject,
    token: async (scopes) => {
      await jwtClient(options, scopes).authorize();
      return { status: 200, data: null };
    },
    reports: (o) =>
      new admin_reports_v1.Admin({ auth: jwtClient(options, [REPORTS_AUDIT_READONLY_SCOPE]), ...root }).activities.list(
        { userKey: 'all', applicationName: 'admin', maxResults: 1 },
        o,
      ),
  };
  const reports: GoogleReportsAccess = {
    client: new admin_reports_v1.Admin({ auth: jwtClient(options, [REPORTS_AUDIT_READONLY_SCOPE]), ...root }),
    actor: options.subject,
  };
  return { auth, directory: new admin_directory_v1.Admin({ auth, ...root }), access, reports };
};
