import { Secret } from '@takeover/core';
import { startEntraEmulator } from '@takeover/directory-emulators';
import type { EntraEmulator } from '@takeover/directory-emulators';
import { entraFetchDispatcher, entraHttpsAgent } from '@takeover/directory-emulators/testing';
import type { ConnectorLogger } from '@takeover/connector-kit';
import type { ConformanceFactory } from '@takeover/connector-kit/testing';
import { entraGraphClient } from '../client.js';
import { entraConnector } from '../connector.js';
import { entraTarget } from './target.js';

// #region emulator
/**
 * The connector wired to a running Entra emulator as to Entra, plus its authority, Graph root and
 * CA (trusted by an https agent for @azure/identity and a fetch dispatcher for the Graph client).
 */
export const entraConnectorForEmulator = (emulator: EntraEmulator, options: { readonly timeoutMs: number; readonly credential?: 'secret' | 'certificate'; readonly logger?: ConnectorLogger }) => {
  const { app } = emulator;
  const pem = app.certificate?.pemWithKey;
  const credentials = options.credential === 'certificate' && pem !== undefined
    ? { tenantId: app.tenantId, clientId: app.clientId, certificatePem: Secret.of(pem) }
    : { tenantId: app.tenantId, clientId: app.clientId, clientSecret: Secret.of(app.clientSecret) };
  const graph = entraGraphClient({
    credentials,
    authorityHost: emulator.authorityHost,
    graphBaseUrl: emulator.graphBaseUrl,
    httpsAgent: entraHttpsAgent(emulator),
    fetchOptions: { dispatcher: entraFetchDispatcher(emulator) } as unknown as RequestInit,
  });
  const domain = emulator.tenants[0]?.domains[0] ?? 'contoso.com';
  return entraConnector({ graph, tenantId: app.tenantId, domain, timeoutMs: options.timeoutMs, ...(options.logger === undefined ? {} : { logger: options.logger }) });
};
// #endregion emulator

/** The conformance factory: a fresh emulator per check, the connector pointed at it with a 1 s timeout. */
export const entraConformanceFactory: ConformanceFactory = async ({ logger }) => {
  const timeoutMs = 1000;
  const emulator = await startEntraEmulator({ scryptN: 1024 });
  return { connector: entraConnectorForEmulator(emulator, { timeoutMs, logger }), target: entraTarget(emulator, timeoutMs), close: emulator.close };
};
