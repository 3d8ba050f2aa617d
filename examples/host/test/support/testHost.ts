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
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance } from 'fastify';
import { createHostApp, type HostAppOptions } from '../../src/app/createHostApp.js';
import type { HostApp } from '../../src/app/hostApp.js';
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

// The kernel hands out ports for outgoing connections (PostgreSQL, the emulators' clients, fetch)
// from net.ipv4.ip_local_port_range (32768–60999 here). A port probed with listen(0) comes from that
// range too, and between the probe's close and the host's listen an outgoing connection may take it
// (CI saw `listen EADDRINUSE 127.0.0.1:40143`). So the probe picks below that range, where only
// another listener can collide — and startTestHost/startChildHost try again with another port if one does.
const ephemeralLow = ((): number => {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 12_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
})();

const probe = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** A port nobody listens on right now, outside the range the kernel gives outgoing connections. */
export const freePort = async (): Promise<number> => {
  for (;;) {
    const port = 10_000 + Math.floor(Math.random() * (ephemeralLow - 10_000));
    if (await probe(port)) return port;
  }
};

/** True for the error a listen on a port someone else took meanwhile fails with. */
export const isAddressInUse = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'EADDRINUSE';

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
  const adminToken = randomBytes(32).toString('base64url');
  const started = async (): Promise<{
    app: HostApp;
    server: FastifyInstance;
    capture: ReturnType<typeof logCapture>;
    env: Record<string, string>;
  }> => {
    const port = await freePort();
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
    try {
      // TRUST_PROXY as main.ts passes it, unless the test's server options say otherwise.
      const server = await buildServer(app, { trustProxy: config.right.trustProxy, ...options.server });
      await server.listen({ port: config.right.port, host: config.right.host });
      return { app, server, capture, env };
    } catch (e) {
      await app.close(0);
      throw e;
    }
  };
  // Another listener may take the probed port before ours does: start again on another one (the
  // first try's app is closed; DATA_DIR is the same, so the second start is a restart of it).
  const choosesPort = options.env?.PORT === undefined;
  let attempt: Awaited<ReturnType<typeof started>> | undefined;
  for (let tries = 1; attempt === undefined; tries += 1) {
    try {
      attempt = await started();
    } catch (e) {
      if (!(choosesPort && isAddressInUse(e) && tries < 5)) throw e;
    }
  }
  const { app, server, capture, env } = attempt;
  return {
    url: app.settings.publicUrl,
    app,
    server,
    adminToken: env.ADMIN_API_KEY ?? adminToken,
    dataDir,
    logs: capture.text,
    close: async ({ keepDataDir = false } = {}) => {
      try {
        await server.close();
      } finally {
        try {
          await app.close(5_000);
        } finally {
          if (!keepDataDir && options.env?.DATA_DIR === undefined) await rm(dataDir, { recursive: true, force: true });
        }
      }
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
