import { isLeft } from 'fp-ts/lib/Either.js';
import {
  DIRECTORY_USER_READONLY_SCOPE,
  DIRECTORY_USER_SCOPE,
  DIRECTORY_USER_SECURITY_SCOPE,
  REPORTS_AUDIT_READONLY_SCOPE,
  startGoogleEmulator,
} from '@takeover/directory-emulators';
import type { GoogleEmulator } from '@takeover/directory-emulators';
import type { ConnectorLogger } from '@takeover/connector-kit';
import type { ConformanceFactory } from '@takeover/connector-kit/testing';
import { googleDirectoryClient } from '../client.js';
import { googleWorkspaceConnector } from '../connector.js';
import { serviceAccountKeyFromJson } from '../key.js';
import { googleTarget } from './target.js';

export interface GoogleEmulatorConnectorOptions {
  readonly timeoutMs: number;
  readonly logger?: ConnectorLogger;
  /** Tests of a wrongly configured connector: another key file, admin, scopes or domain. */
  readonly credentials?: GoogleEmulator['credentials'];
  readonly subject?: string;
  readonly scopes?: ReadonlyArray<string>;
  readonly domain?: string;
  /** Give the connector the Reports client (R16 detection): the emulator's service account must have the audit scope delegated. */
  readonly detectExternalChanges?: boolean;
}

// #region emulator
/** The connector wired to a running Google emulator exactly as to Google, plus its rootUrl and token URL. */
export const googleConnectorForEmulator = (emulator: GoogleEmulator, options: GoogleEmulatorConnectorOptions) => {
  // The emulator hands out a service account key file like Google Cloud's.
  const credentials = serviceAccountKeyFromJson(JSON.stringify(options.credentials ?? emulator.credentials));
  if (isLeft(credentials)) throw new Error(credentials.left.message);
  const { directory, access, reports } = googleDirectoryClient({
    credentials: credentials.right,
    subject: options.subject ?? emulator.adminEmail,
    ...(options.scopes === undefined ? {} : { scopes: options.scopes }),
    rootUrl: emulator.url,
    tokenUrl: emulator.tokenUrl,
  });
  return googleWorkspaceConnector({
    directory,
    access,
    domain: options.domain ?? emulator.domains[0] ?? 'example.com',
    timeoutMs: options.timeoutMs,
    ...(options.detectExternalChanges === true ? { reports } : {}),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
};
// #endregion emulator

/** The conformance factory: a fresh emulator per check, the connector pointed at it with a 5 s timeout (generous, so a loaded machine fails no check; only the timeout check waits it out). */
export const googleConformanceFactory: ConformanceFactory = async ({ logger }) => {
  const timeoutMs = 5000;
  const emulator = await startGoogleEmulator({ scryptN: 1024 });
  // Detection of external changes (R16) on: the Reports API's audit scope delegated too.
  emulator.setDelegatedScopes(emulator.credentials.client_email, [
    DIRECTORY_USER_SCOPE,
    DIRECTORY_USER_READONLY_SCOPE,
    DIRECTORY_USER_SECURITY_SCOPE,
    REPORTS_AUDIT_READONLY_SCOPE,
  ]);
  return {
    connector: googleConnectorForEmulator(emulator, { timeoutMs, logger, detectExternalChanges: true }),
    target: googleTarget(emulator, timeoutMs),
    close: emulator.close,
  };
};
