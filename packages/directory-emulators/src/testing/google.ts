// Official Google clients wired to a Google emulator, the way production code builds them plus the
// two emulator-only settings: the JWT client's token request is redirected from the fixed
// https://oauth2.googleapis.com/token to the emulator (a gaxios request interceptor on the client's
// own transporter), and the Admin SDK gets the emulator as `rootUrl`.
import { admin_directory_v1 } from '@googleapis/admin';
import { JWT } from 'google-auth-library';
import type { ServiceAccountKey } from '../google/applySeed.js';
import { DIRECTORY_USER_SCOPE, DIRECTORY_USER_SECURITY_SCOPE } from '../google/seed.js';
import { GOOGLE_TOKEN_URL } from '../google/token.js';

export interface GoogleEmulatorEndpoint {
  readonly url: string;
  readonly tokenUrl: string;
  readonly credentials: ServiceAccountKey;
  readonly adminEmail: string;
}

export interface GoogleClientOptions {
  /** The admin to impersonate (default: the emulator's first admin). */
  readonly subject?: string;
  /** Default: admin.directory.user and admin.directory.user.security. */
  readonly scopes?: ReadonlyArray<string>;
  /** Another service account key (default: the emulator's first). */
  readonly credentials?: ServiceAccountKey;
}

/** Sends the JWT client's token requests to `tokenUrl` instead of oauth2.googleapis.com. */
export const redirectTokenRequests = (jwt: JWT, tokenUrl: string): void => {
  jwt.transporter.interceptors.request.add({
    resolved: (opts) => {
      const url = new URL(opts.url);
      if (`${url.origin}${url.pathname}` === GOOGLE_TOKEN_URL) opts.url = new URL(tokenUrl);
      return Promise.resolve(opts);
    },
  });
};

export const googleJwtClient = (emulator: GoogleEmulatorEndpoint, options: GoogleClientOptions = {}): JWT => {
  const key = options.credentials ?? emulator.credentials;
  const jwt = new JWT({
    email: key.client_email,
    ...(key.private_key === undefined ? {} : { key: key.private_key }),
    keyId: key.private_key_id,
    subject: options.subject ?? emulator.adminEmail,
    scopes: [...(options.scopes ?? [DIRECTORY_USER_SCOPE, DIRECTORY_USER_SECURITY_SCOPE])],
    // gaxios falls back to a dynamic import of node-fetch (ESM), which jest's CommonJS runtime cannot
    // load; Node's global fetch is what it would use anyway in spirit. Harmless outside jest.
    transporterOptions: { fetchImplementation: fetch },
  });
  redirectTokenRequests(jwt, emulator.tokenUrl);
  return jwt;
};

export interface GoogleDirectoryClients {
  readonly auth: JWT;
  readonly directory: admin_directory_v1.Admin;
}

/** The JWT client and the Admin SDK Directory client, both pointed at the emulator. */
export const googleDirectoryClients = (emulator: GoogleEmulatorEndpoint, options: GoogleClientOptions = {}): GoogleDirectoryClients => {
  const auth = googleJwtClient(emulator, options);
  return { auth, directory: new admin_directory_v1.Admin({ auth, rootUrl: emulator.url }) };
};
