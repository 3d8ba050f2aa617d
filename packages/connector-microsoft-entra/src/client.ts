import type { Agent } from 'node:https';
import { AzureAuthorityHosts, ClientCertificateCredential, ClientSecretCredential } from '@azure/identity';
import { AuthenticationHandler, Client, HTTPMessageHandler, TelemetryHandler } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { reveal } from '@takeover/core';
import type { Secret } from '@takeover/core';

/** An app registration's credential: a client secret, or a certificate (PEM with its private key). */
export type EntraCredentials =
  | { readonly tenantId: string; readonly clientId: string; readonly clientSecret: Secret }
  | { readonly tenantId: string; readonly clientId: string; readonly certificatePem: Secret };

/** Microsoft's national clouds: where tokens come from and where Graph lives. */
export const entraClouds = {
  global: { authorityHost: AzureAuthorityHosts.AzurePublicCloud, graphBaseUrl: 'https://graph.microsoft.com' },
  'us-gov': { authorityHost: AzureAuthorityHosts.AzureGovernment, graphBaseUrl: 'https://graph.microsoft.us' },
  'us-gov-dod': { authorityHost: AzureAuthorityHosts.AzureGovernment, graphBaseUrl: 'https://dod-graph.microsoft.us' },
  china: { authorityHost: AzureAuthorityHosts.AzureChina, graphBaseUrl: 'https://microsoftgraph.chinacloudapi.cn' },
} as const;
export type EntraCloud = keyof typeof entraClouds;

export interface EntraGraphClientOptions {
  readonly credentials: EntraCredentials;
  /** Default `global`. */
  readonly cloud?: EntraCloud;
  /** A custom token authority (https), e.g. an emulator; instance discovery is then off. */
  readonly authorityHost?: string;
  /** A custom Graph root (https, without the version), e.g. an emulator; its host gets the token. */
  readonly graphBaseUrl?: string;
  /** The token's scope. Default the cloud's Graph resource (`https://graph.microsoft.com/.default`), also with a custom `graphBaseUrl`. */
  readonly scope?: string;
  /** For @azure/identity's requests, e.g. an agent trusting a private CA. */
  readonly httpsAgent?: Agent;
  /** Passed to every Graph fetch, e.g. `{ dispatcher }` trusting a private CA. */
  readonly fetchOptions?: RequestInit;
}

/**
 * The Graph client for an app registration, with no automatic retries: @azure/identity's pipeline
 * gets `maxRetries: 0`, and the Graph middleware chain is Authentication → Telemetry → HTTP,
 * without the default chain's RetryHandler (which retries 429/503/504 up to 3 times). The engine is
 * the one retry layer.
 */
export const entraGraphClient = (options: EntraGraphClientOptions): Client => entraGraphAccess(options).graph;

/** The Graph client and a getter for its app-only access token (for the connector's `diagnose`, which reads the token's `roles` and `oid`). */
export interface EntraGraphAccess {
  readonly graph: Client;
  readonly accessToken: () => Promise<string>;
}

/** As `entraGraphClient`, plus the token getter: pass both to `entraConnector` (`graph`, `accessToken`). */
export const entraGraphAccess = (options: EntraGraphClientOptions): EntraGraphAccess => {
  const cloud = entraClouds[options.cloud ?? 'global'];
  const authorityHost = options.authorityHost ?? cloud.authorityHost;
  const graphBaseUrl = (options.graphBaseUrl ?? cloud.graphBaseUrl).replace(/\/+$/, '');
  const identityOptions = {
    authorityHost,
    ...(options.authorityHost === undefined ? {} : { disableInstanceDiscovery: true }),
    ...(options.httpsAgent === undefined ? {} : { agent: options.httpsAgent }),
    retryOptions: { maxRetries: 0 },
  };
  const c = options.credentials;
  const credential =
    'clientSecret' in c
      ? new ClientSecretCredential(c.tenantId, c.clientId, reveal(c.clientSecret), identityOptions)
      : new ClientCertificateCredential(c.tenantId, c.clientId, { certificate: reveal(c.certificatePem) }, identityOptions);
  const scope = options.scope ?? `${cloud.graphBaseUrl}/.default`;
  const authentication = new AuthenticationHandler(new TokenCredentialAuthenticationProvider(credential, { scopes: [scope] }));
  const telemetry = new TelemetryHandler();
  authentication.setNext(telemetry);
  telemetry.setNext(new HTTPMessageHandler());
  const graph = Client.initWithMiddleware({
    middleware: authentication,
    baseUrl: `${graphBaseUrl}/`,
    ...(options.graphBaseUrl === undefined ? {} : { customHosts: new Set([new URL(graphBaseUrl).hostname]) }),
    ...(options.fetchOptions === undefined ? {} : { fetchOptions: options.fetchOptions }),
  });
  return { graph, accessToken: async () => (await credential.getToken(scope)).token };
};
