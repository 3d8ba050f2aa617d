// `npm start` as a user runs it: the real entry point (src/main.ts through tsx) in a child process
// on a fresh DATA_DIR. It comes up (/readyz), prints the URLs and — at the first start only — the
// admin's generated password, keeps its data across a restart, exits 0 on SIGTERM, and refuses a
// bad environment with exit 1 naming the variable. In-flight pushes finish during the shutdown.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../support/testHost.js';

const ROOT = resolve(__dirname, '../../../..');
const children: ChildProcess[] = [];
let dataDir = '';

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'takeover-main-'));
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

interface Run {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

const start = (env: Record<string, string>): Run => {
  const child = spawn(process.execPath, ['--conditions=takeover-source', '--import', 'tsx', 'examples/host/src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
};

const waitReady = async (url: string, run: Run): Promise<void> => {
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    if (run.child.exitCode !== null) throw new Error(`the host exited (${String(run.child.exitCode)}):\n${run.stderr()}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the host did not get ready:\n${run.stdout()}\n${run.stderr()}`);
};

test('first start prints the admin password once; a restart keeps the data and prints none; SIGTERM exits 0', async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${String(port)}`;
  const env = { PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url, DATA_DIR: dataDir };

  const first = start(env);
  await waitReady(url, first);
  await new Promise((r) => setTimeout(r, 200));
  const banner = first.stdout();
  expect(banner).toContain(`${url}/portal`);
  expect(banner).toContain(`${url}/admin`);
  expect(banner).toContain(`${url}/mail`);
  const password = /^\s+password\s+(\S+)$/m.exec(banner)?.[1];
  if (password === undefined) throw new Error(`no admin password printed:\n${banner}`);
  expect(banner.split(password)).toHaveLength(2); // printed exactly once
  expect(first.stderr()).not.toContain(password);

  const session = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@example.com', password }),
  });
  expect(session.status).toBe(200);
  const { token } = (await session.json()) as { token: string };
  const created = await fetch(`${url}/api/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ email: 'kept@example.org', givenName: 'Kept', familyName: 'Across', state: 'staged' }),
  });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };

  // A login starts pushes; SIGTERM right behind it lets them finish (the plaintext lives only in
  // memory, so a push cut short could not be redone after the restart).
  const ada = { email: 'ada@example.com', password: 'Shutdown-Test-Password-5!' };
  const bound = await fetch(`${url}/api/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ ...ada, givenName: 'Ada', familyName: 'Lovelace', state: 'active', directories: ['google', 'microsoft'] }),
  });
  expect(bound.status).toBe(201);
  const login = await fetch(`${url}/portal/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ada),
  });
  expect(login.status).toBe(200);
  first.child.kill('SIGTERM');
  expect(await first.exited).toBe(0);

  const second = start(env);
  await waitReady(url, second);
  await new Promise((r) => setTimeout(r, 200));
  expect(second.stdout()).toContain(`${url}/portal`);
  expect(second.stdout()).not.toContain(password);
  expect(second.stdout()).not.toMatch(/^\s+password\s+\S/m);
  const again = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@example.com', password }),
  });
  expect(again.status).toBe(200);
  const token2 = ((await again.json()) as { token: string }).token;
  const kept = await fetch(`${url}/api/users/${id}`, { headers: { authorization: `Bearer ${token2}` } });
  expect(kept.status).toBe(200);
  for (const directory of ['google', 'microsoft']) {
    const verify = await fetch(`${url}/demo/directories/${directory}/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userKey: ada.email, password: ada.password }),
    });
    const body: unknown = await verify.json();
    expect({ directory, body }).toMatchObject({ directory, body: { matches: true } });
  }

  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
  expect(second.stderr() + first.stderr()).not.toContain(password);
}, 300_000);

test('a bad environment exits 1 and names the variable', async () => {
  const run = start({ PORT: 'abc', DATA_DIR: dataDir, ADMIN_API_KEY: 'short' });
  expect(await run.exited).toBe(1);
  expect(run.stderr()).toMatch(/^PORT: /m);
  expect(run.stderr()).toMatch(/^ADMIN_API_KEY: /m);
}, 120_000);
