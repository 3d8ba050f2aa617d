// The test-host harness: a whole host (app + server) on 127.0.0.1 with a free port and a temporary
// DATA_DIR, its logs captured in memory. Used by the API, pages and browser tests.
//
//   const host = await startTestHost();                       // SQLite, emulators, outbox
//   const res = await call(host, 'GET', '/api/directories', { token: host.adminToken });
//   …
//   await host.close();                                       // server, app, temp dir
//
// Options: `env` adds or overrides variables (e.g. DATABASE_URL, DATABASE_SCHEMA); `emulators`
// reuses running directory emulators (two hosts sharing one pair); `server` passes buildServer
// options; `app` more createHostApp options (hashing costs default to the cheap test ones).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance } from 'fastify';
import { createHostApp, type HostAppOptions } from '../../src/app/createHostApp.js';
import type { HostApp } from '../../src/app/HostApp.js';
import { describeConfigErrors, loadConfig } from '../../src/config.js';
import { TEST_SCRYPT_COST } from '../../src/db/passwords.js';
import { buildServer, type BuildServerOptions } from '../../src/http/server.js';

export interface StartTestHostOptions {
  /** Variables on top of the harness's own (DATA_DIR, PORT, HOST, PUBLIC_URL, ADMIN_API_KEY, LOG_LEVEL=debug). */
  readonly env?: Readonly<Record<string, string>>;
  /** Running emulators to reuse instead of starting new ones. */
  readonly emulators?: HostAppOptions['emulators'];
  readonly server?: BuildServerOptions;
  /** More createHostApp options; the harness defaults to the cheap test hashing costs (TEST_SCRYPT_COST, emulator N=1024). */
  readonly app?: Omit<HostAppOptions, 'logStream' | 'emulators'>;
}

export interface TestHost {
  /** `http://127.0.0.1:<port>`, also the host's PUBLIC_URL (links in mails point here). */
  readonly url: string;
  readonly app: HostApp;
  readonly server: FastifyInstance;
  /** The ADMIN_API_KEY the host was started with: a bearer token for /api. */
  readonly adminToken: string;
  readonly dataDir: string;
  /** Everything the host logged so far (pino JSON lines). */
  readonly logs: () => string;
  /** Closes the server and the app, then removes DATA_DIR (unless `keepDataDir`). */
  readonly close: (options?: { readonly keepDataDir?: boolean }) => Promise<void>;
}

/** A port nobody listens on right now. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });

/** A Writable that keeps what pino writes, for leak checks. */
export const logCapture = (): { readonly stream: Writable; readonly text: () => string } => {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      callback();
    },
  });
  return { stream, text: () => chunks.join('') };
};

export const startTestHost = async (options: StartTestHostOptions = {}): Promise<TestHost> => {
  const dataDir = options.env?.DATA_DIR ?? (await mkdtemp(join(tmpdir(), 'takeover-host-')));
  const port = await freePort();
  const adminToken = randomBytes(32).toString('base64url');
  const env = {
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${String(port)}`,
    ADMIN_API_KEY: adminToken,
    LOG_LEVEL: 'debug',
    ...options.env,
  };
  const config = loadConfig(env);
  if (E.isLeft(config)) throw new Error(`test host: bad environment:\n${describeConfigErrors(config.left)}`);
  const capture = logCapture();
  const app = await createHostApp(config.right, {
    scrypt: TEST_SCRYPT_COST,
    emulatorScryptN: 1024,
    ...options.app,
    logStream: capture.stream,
    ...(options.emulators === undefined ? {} : { emulators: options.emulators }),
  });
  let server: FastifyInstance;
  try {
    // TRUST_PROXY as main.ts passes it, unless the test's server options say otherwise.
    server = await buildServer(app, { trustProxy: config.right.trustProxy, ...options.server });
    await server.listen({ port: config.right.port, host: config.right.host });
  } catch (e) {
    await app.close(0);
    throw e;
  }
  return {
    url: app.settings.publicUrl,
    app,
    server,
    adminToken: env.ADMIN_API_KEY,
    dataDir,
    logs: capture.text,
    close: async ({ keepDataDir = false } = {}) => {
      await server.close();
      await app.close(5_000);
      if (!keepDataDir && options.env?.DATA_DIR === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
};

export interface CallOptions {
  readonly body?: unknown;
  /** Sent as is (a string) instead of JSON. */
  readonly rawBody?: string;
  readonly token?: string;
  readonly cookie?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface CallResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed JSON body (undefined when the body is not JSON). */
  readonly json: unknown;
}

/** One HTTP request to the host: JSON in and out, an optional bearer token or cookie. */
export const call = async (host: Pick<TestHost, 'url'>, method: string, path: string, options: CallOptions = {}): Promise<CallResult> => {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie !== undefined) headers.cookie = options.cookie;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${host.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }), redirect: 'manual' });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
};

/** The `name=value` pair of a Set-Cookie header, for sending it back. */
export const cookieFrom = (result: Pick<CallResult, 'headers'>, name: string): string | undefined => {
  for (const line of result.headers.getSetCookie()) {
    const pair = line.split(';', 1)[0] ?? '';
    if (pair.startsWith(`${name}=`)) return pair;
  }
  return undefined;
};
