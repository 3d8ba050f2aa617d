// The two directories, `google` and `microsoft`: each is either the in-process emulator or the real
// tenant the configuration names, with its connector built the same way in both cases.
import { Agent as HttpsAgent } from 'node:https';
import { rootCertificates } from 'node:tls';
import * as E from 'fp-ts/lib/Either.js';
import { Agent as UndiciAgent } from 'undici';
import type { DirectoryId } from '@takeover/core';
import { Secret, directoryId } from '@takeover/core';
import type { ConnectorLogger, DirectoryConnector } from '@takeover/connector-kit';
import { googleDirectoryClient, googleWorkspaceConnector, serviceAccountKeyFromJson } from '@takeover/connector-google-workspace';
import { entraConnector, entraGraphAccess } from '@takeover/connector-microsoft-entra';
import type { EntraEmulator, GoogleEmulator } from '@takeover/directory-emulators';
import type { GoogleConfig, MicrosoftConfig } from '../config.js';

export const GOOGLE: DirectoryId = directoryId('google');
export const MICROSOFT: DirectoryId = directoryId('microsoft');

export interface DirectorySetup {
  readonly id: DirectoryId;
  readonly kind: 'google-workspace' | 'microsoft-entra';
  /** The product name users know ("Google Workspace", "Microsoft 365"); the label adds the domain. */
  readonly displayName: string;
  readonly domain: string;
  readonly mode: 'emulator' | 'real';
  /** Where the connector talks to; never a credential. */
  readonly endpoint: string;
  readonly connector: DirectoryConnector;
}

const TIMEOUT_MS = 30_000;

export const googleDirectory = (config: GoogleConfig, emulator: GoogleEmulator | undefined, logger: ConnectorLogger): DirectorySetup => {
  if (config.mode === 'real') {
    const apiUrl = config.endpoints?.apiUrl;
    const tokenUrl = config.endpoints?.tokenUrl;
    const { directory, access, reports } = googleDirectoryClient({
      credentials: config.credentials,
      subject: config.subject,
      ...(apiUrl === undefined ? {} : { rootUrl: `${apiUrl}/` }),
      ...(tokenUrl === undefined ? {} : { tokenUrl }),
    });
    return {
      id: GOOGLE,
      kind: 'google-workspace',
      displayName: 'Google Workspace',
      domain: config.domain,
      mode: 'real',
      endpoint: apiUrl === undefined ? 'https://admin.googleapis.com/' : `${apiUrl}/`,
      connector: googleWorkspaceConnector({
        directory,
        access,
        ...(config.detectExternalChanges ? { reports } : {}),
        domain: config.domain,
        timeoutMs: TIMEOUT_MS,
        logger,
      }),
    };
  }
  if (emulator === undefined) throw new Error('google: neither credentials nor an emulator');
  const credentials = serviceAccountKeyFromJson(JSON.stringify(emulator.credentials));
  if (E.isLeft(credentials)) throw new Error(`google emulator: ${credentials.left.message}`);
  const domain = emulator.domains[0] ?? 'example.com';
  const { directory, access, reports } = googleDirectoryClient({
    credentials: credentials.right,
    subject: emulator.adminEmail,
    rootUrl: emulator.url,
    tokenUrl: emulator.tokenUrl,
  });
  return {
    id: GOOGLE,
    kind: 'google-workspace',
    displayName: 'Google Workspace',
    domain,
    mode: 'emulator',
    endpoint: emulator.url,
    // The emulated Workspace delegates the audit scope: password changes made there are noticed (R16).
    connector: googleWorkspaceConnector({ directory, access, reports, domain, timeoutMs: TIMEOUT_MS, logger }),
  };
};

export const microsoftDirectory = (
  config: MicrosoftConfig,
  emulator: EntraEmulator | undefined,
  logger: ConnectorLogger,
): DirectorySetup => {
  if (config.mode === 'real') {
    const credentials =
      'clientSecret' in config.credential
        ? { tenantId: config.tenantId, clientId: config.clientId, clientSecret: config.credential.clientSecret }
        : { tenantId: config.tenantId, clientId: config.clientId, certificatePem: config.credential.certificatePem };
    const { authorityHost, graphUrl } = config.endpoints ?? {};
    const { graph, accessToken } = entraGraphAccess({
      credentials,
      ...(authorityHost === undefined ? {} : { authorityHost }),
      ...(graphUrl === undefined ? {} : { graphBaseUrl: graphUrl }),
    });
    return {
      id: MICROSOFT,
      kind: 'microsoft-entra',
      displayName: 'Microsoft 365',
      domain: config.domain,
      mode: 'real',
      endpoint: graphUrl === undefined ? 'https://graph.microsoft.com/' : `${graphUrl}/`,
      connector: entraConnector({ graph, accessToken, tenantId: config.tenantId, domain: config.domain, timeoutMs: TIMEOUT_MS, logger }),
    };
  }
  if (emulator === undefined) throw new Error('microsoft: neither credentials nor an emulator');
  const { app } = emulator;
  const ca = [...rootCertificates, emulator.caPem];
  const { graph, accessToken } = entraGraphAccess({
    credentials: { tenantId: app.tenantId, clientId: app.clientId, clientSecret: Secret.of(app.clientSecret) },
    authorityHost: emulator.authorityHost,
    graphBaseUrl: emulator.graphBaseUrl,
    httpsAgent: new HttpsAgent({ ca }),
    fetchOptions: { dispatcher: new UndiciAgent({ connect: { ca } }) } as unknown as RequestInit,
  });
  const tenant = emulator.tenants.find((x) => x.id === app.tenantId) ?? emulator.tenants[0];
  const domain = tenant?.domains[0] ?? 'example.com';
  return {
    id: MICROSOFT,
    kind: 'microsoft-entra',
    displayName: 'Microsoft 365',
    domain,
    mode: 'emulator',
    endpoint: emulator.url,
    connector: entraConnector({ graph, accessToken, tenantId: app.tenantId, domain, timeoutMs: TIMEOUT_MS, logger }),
  };
};
