// A host app (no HTTP) on a temporary DATA_DIR with its logs captured, for the app-level tests.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { HostApp, HostAppOptions, Problem } from '../../src/index.js';
import { createHostApp, describeConfigErrors, loadConfig, TEST_SCRYPT_COST } from '../../src/index.js';
import { logCapture } from '../support/testHost.js';

export const tempDir = (prefix: string): Promise<string> => mkdtemp(join(tmpdir(), prefix));

export interface AppUnderTest {
  readonly app: HostApp;
  readonly logs: () => string;
}

export const startApp = async (
  dataDir: string,
  env: Readonly<Record<string, string>> = {},
  options: Omit<HostAppOptions, 'logStream'> = {},
): Promise<AppUnderTest> => {
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'debug', PUBLIC_URL: 'http://portal.test', ...env });
  if (E.isLeft(config)) throw new Error(describeConfigErrors(config.left));
  const capture = logCapture();
  const app = await createHostApp(config.right, { scrypt: TEST_SCRYPT_COST, emulatorScryptN: 1024, ...options, logStream: capture.stream });
  return { app, logs: capture.text };
};

export const right = <T>(r: E.Either<Problem, T>): T => {
  if (E.isLeft(r)) throw new Error(`expected success, got ${JSON.stringify(r.left)}`);
  return r.right;
};

export const left = <T>(r: E.Either<Problem, T>): Problem => {
  if (E.isRight(r)) throw new Error('expected a problem');
  return r.left;
};
