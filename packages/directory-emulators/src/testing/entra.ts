// Official Microsoft clients wired to an Entra emulator. Production code builds them the same way;
// the emulator-only settings are: @azure/identity's `authorityHost` (https) with
// `disableInstanceDiscovery: true` and an `agent` trusting the emulator's CA; the Graph client's
// `baseUrl` + `customHosts` and a fetch `dispatcher` trusting the CA. (A spawned process can instead
// trust the CA with NODE_EXTRA_CA_CERTS=<caCertPath> and needs neither agent nor dispatcher.)
import { Agent as HttpsAgent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { ClientCertificateCredential, ClientSecretCredential } from '@azure/identity';
import type { TokenCredential } from '@azure/identity';
import { Client } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { Agent as UndiciAgent } from 'undici';
import type { EntraAppCredentials } from '../entra/applySeed.js';

export const GRAPH_DEFAULT_SCOPE = 'https://graph.microsoft.com/.default';

export interface EntraEmulatorEndpoint {
  readonly authorityHost: string;
  readonly graphBaseUrl: string;
  readonly hostname: string;
  readonly caPem: string;
  readonly app: EntraAppCredentials;
}

/** A node:https agent trusting the public roots plus the emulator's CA (for @azure/identity's pipeline). */
export const entraHttpsAgent = (emulator: Pick<EntraEmulatorEndpoint, 'caPem'>): HttpsAgent =>
  new HttpsAgent({ ca: [...rootCertificates, emulator.caPem], keepAlive: false });

/** An undici dispatcher trusting the public roots plus the emulator's CA (for fetch, hence the Graph client). */
export const entraFetchDispatcher = (emulator: Pick<EntraEmulatorEndpoint, 'caPem'>): UndiciAgent =>
  new UndiciAgent({ connect: { ca: [...rootCertificates, emulator.caPem] } });

export interface EntraCredentialOptions {
  /** Another app (default: the emulator's first). */
  readonly app?: EntraAppCredentials;
  /** Override the secret sent (e.g. a wrong one). */
  readonly clientSecret?: string;
}

const identityOptions = (emulator: EntraEmulatorEndpoint) => ({
  authorityHost: emulator.authorityHost,
  disableInstanceDiscovery: true,
  agent: entraHttpsAgent(emulator),
  retryOptions: { maxRetries: 0 },
});

export const entraClientSecretCredential = (
  emulator: EntraEmulatorEndpoint,
  options: EntraCredentialOptions = {},
): ClientSecretCredential => {
  const app = options.app ?? emulator.app;
  return new ClientSecretCredential(app.tenantId, app.clientId, options.clientSecret ?? app.clientSecret, identityOptions(emulator));
};

export const entraClientCertificateCredential = (
  emulator: EntraEmulatorEndpoint,
  options: { readonly app?: EntraAppCredentials; readonly pemWithKey?: string } = {},
): ClientCertificateCredential => {
  const app = options.app ?? emulator.app;
  const certificate = options.pemWithKey ?? app.certificate?.pemWithKey;
  if (certificate === undefined) throw new Error(`app ${app.clientId} has no generated certificate`);
  return new ClientCertificateCredential(app.tenantId, app.clientId, { certificate }, identityOptions(emulator));
};

export interface GraphClientOptions {
  /** `secret` (default), `certificate`, or any TokenCredential. */
  readonly credential?: 'secret' | 'certificate' | TokenCredential;
  readonly app?: EntraAppCredentials;
}

export const entraGraphClient = (emulator: EntraEmulatorEndpoint, options: GraphClientOptions = {}): Client => {
  const app = options.app ?? emulator.app;
  const credential =
    options.credential === undefined || options.credential === 'secret'
      ? entraClientSecretCredential(emulator, { app })
      : options.credential === 'certificate'
        ? entraClientCertificateCredential(emulator, { app })
        : options.credential;
  return Client.initWithMiddleware({
    authProvider: new TokenCredentialAuthenticationProvider(credential, { scopes: [GRAPH_DEFAULT_SCOPE] }),
    baseUrl: emulator.graphBaseUrl,
    customHosts: new Set([emulator.hostname]),
    // Node's fetch takes an undici dispatcher; the Graph client passes fetchOptions through to fetch.
    fetchOptions: { dispatcher: entraFetchDispatcher(emulator) } as unknown as RequestInit,
  });
};
