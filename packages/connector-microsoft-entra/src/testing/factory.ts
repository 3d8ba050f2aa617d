import { Secret } from '@takeover/core';
import { startEntraEmulator } from '@takeover/directory-emulators';
import type { EntraAppCredentials, EntraEmulator } from '@takeover/directory-emulators';
import { entraFetchDispatcher, entraHttpsAgent } from '@takeover/directory-emulators/testing';
import type { ConnectorLogger } from '@takeover/connector-kit';
import type { ConformanceFactory } from '@takeover/connector-kit/testing';
import { entraGraphAccess } from '../client.js';
import { entraConnector } from '../connector.js';
import { entraTarget } from './target.js';

export interface EntraEmulatorConnectorOptions {
  readonly timeoutMs: number;
  readonly credential?: 'secret' | 'certificate';
  readonly logger?: ConnectorLogger;
  /** Another app of the emulator (default its first). */
  readonly app?: EntraAppCredentials;
  /** Send this secret instead of the app's (a wrong one, for diagnose tests). */
  readonly clientSecret?: string;
  /** The connector's configured domain (default the tenant's first). */
  readonly domain?: string;
}

// #region emulator
/**
 * The connector wired to a running Entra emulator as to Entra, plus its authority, Graph root and
 * CA (trusted by an https agent for @azure/identity and a fetch dispatcher for the Graph client).
 */
export const entraConnectorForEmulator = (emulator: EntraEmulator, options: EntraEmulatorConnectorOptions) => {
  const app = options.app ?? emulator.app;
  const pem = app.certificate?.pemWithKey;
  const credentials =
    options.credential === 'certificate' && pem !== undefined
      ? { tenantId: app.tenantId, clientId: app.clientId, certificatePem: Secret.of(pem) }
      : { tenantId: app.tenantId, clientId: app.clientId, clientSecret: Secret.of(options.clientSecret ?? app.clientSecret) };
  const { graph, accessToken } = entraGraphAccess({
    credentials,
    authorityHost: emulator.authorityHost,
    graphBaseUrl: emulator.graphBaseUrl,
    httpsAgent: entraHttpsAgent(emulator),
    fetchOptions: { dispatcher: entraFetchDispatcher(emulator) } as unknown as RequestInit,
  });
  const domain = options.domain ?? emulator.tenants[0]?.domains[0] ?? 'contoso.com';
  return entraConnector({
    graph,
    accessToken,
    tenantId: app.tenantId,
    domain,
    timeoutMs: options.timeoutMs,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
};
// #endregion emulator

/** The conformance factory: a fresh emulator per check, the connector pointed at it with a 5 s timeout (generous, so a loaded machine fails no check; only the timeout check waits it out). */
export const entraConformanceFactory: ConformanceFactory = async ({ logger }) => {
  const timeoutMs = 5000;
  const emulator = await startEntraEmulator({ scryptN: 1024 });
  return {
    connector: entraConnectorForEmulator(emulator, { timeoutMs, logger }),
    target: entraTarget(emulator, timeoutMs),
    close: emulator.close,
  };
};
