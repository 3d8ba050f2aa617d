// The host as `npm start` runs it, in a child process (src/main.ts through tsx): for what only a real
// process shows — a crash, a `kill -9`, a SIGTERM. Waits on conditions (the process answering,
// exiting), never on time.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from './testHost.js';

const ROOT = resolve(__dirname, '../../../..');

export interface ChildHost {
  readonly url: string;
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  readonly exited: Promise<number | string | null>;
  readonly alive: () => boolean;
}

const running: ChildProcess[] = [];

/** SIGKILLs every child still running (for afterAll). */
export const killChildren = (): void => {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
};

/** Starts the host on a free port with `env` (DATA_DIR at least); resolves once /readyz answers 200. */
export const startChildHost = async (env: Readonly<Record<string, string>>, readyWithinMs = 180_000): Promise<ChildHost> => {
  // Another listener may take the probed port before the child's listen (see freePort): start again
  // on another port when the child says so, unless the caller chose the port.
  for (let tries = 1; ; tries += 1) {
    try {
      return await startOnce(env, readyWithinMs);
    } catch (e) {
      if (!(e instanceof PortTaken && env.PORT === undefined && tries < 5)) throw e;
    }
  }
};

class PortTaken extends Error {}

const startOnce = async (env: Readonly<Record<string, string>>, readyWithinMs: number): Promise<ChildHost> => {
  const port = await freePort();
  const url = `http://127.0.0.1:${String(port)}`;
  const child = spawn(process.execPath, ['--conditions=takeover-source', '--import', 'tsx', 'examples/host/src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: url,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const closed = new Promise((r) => child.once('close', r)); // after its stdout and stderr ended
  const exited = new Promise<number | string | null>((r) => child.once('exit', (code, signal) => r(code ?? signal)));
  const host: ChildHost = {
    url,
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
  };
  // A generous bound only against a host that never comes up; the loop ends as soon as it answers.
  const until = Date.now() + readyWithinMs;
  while (Date.now() < until) {
    if (!host.alive()) await closed;
    if (!host.alive() && /EADDRINUSE/.test(err)) throw new PortTaken(`port ${String(port)} was taken:\n${err}`);
    if (!host.alive()) throw new Error(`the host exited (${String(child.exitCode ?? child.signalCode)}):\n${err}`);
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return host;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`the host did not get ready:\n${out}\n${err}`);
};

/** SIGKILL, and wait for the process to be gone. */
export const kill9 = async (host: ChildHost): Promise<void> => {
  if (host.alive()) host.child.kill('SIGKILL');
  await host.exited;
};
