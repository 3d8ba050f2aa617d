// Attack: raw malformed requests at every log level (issue 17 #1). A request line of garbage and a
// POST whose body is shorter than its Content-Length, written byte by byte over a socket, against
// the real process at LOG_LEVEL trace … silent: each gets an answer or a closed connection, and
// the process still answers /healthz afterwards.
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killChildren, startChildHost, type ChildHost } from '../support/childHost.js';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

let dataDir = '';
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'takeover-malformed-'));
});
afterAll(async () => {
  killChildren();
  await rm(dataDir, { recursive: true, force: true });
});

/** Writes `bytes`, half-closes, and resolves with whatever came back once the server closes the connection. */
const raw = (url: string, bytes: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const socket = connect({ host: hostname, port: Number(port) });
    let got = '';
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1');
    });
    socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? resolve(got) : reject(e)));
    socket.on('close', () => resolve(got));
    socket.on('connect', () => {
      socket.end(bytes);
    });
  });

const MALFORMED: ReadonlyArray<readonly [string, (host: string) => string]> = [
  ['a garbage request line', () => 'GARBAGE\r\n\r\n'],
  [
    'a POST whose body is shorter than its Content-Length',
    (host) =>
      `POST /portal/api/login HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email":"a@`,
  ],
  ['a header without a colon', (host) => `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nthis is not a header\r\n\r\n`],
  ['a bad Content-Length', (host) => `POST /api/session HTTP/1.1\r\nHost: ${host}\r\nContent-Length: -5\r\n\r\n`],
  [
    'a body longer than its Content-Length',
    (host) =>
      `POST /portal/api/login HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{"email":"a@example.com","password":"x"}`,
  ],
  ['a NUL in the path', (host) => `GET /por\u0000tal HTTP/1.1\r\nHost: ${host}\r\n\r\n`],
];

describe.each(LEVELS)('LOG_LEVEL=%s', (level) => {
  let host: ChildHost;
  beforeAll(async () => {
    host = await startChildHost({ DATA_DIR: dataDir, LOG_LEVEL: level });
  }, 240_000);
  afterAll(async () => {
    if (host.alive()) host.child.kill('SIGTERM');
    await host.exited;
  }, 60_000);

  test.each(MALFORMED)('%s does not stop the host', async (_name, bytes) => {
    await raw(host.url, bytes(new URL(host.url).host));
    if (!host.alive()) throw new Error(`the host stopped:\n${host.stderr()}\n${host.stdout().slice(-3000)}`);
    const health = await fetch(`${host.url}/healthz`);
    expect(health.status).toBe(200);
    expect(host.alive()).toBe(true);
  });
});
