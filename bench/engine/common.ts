// Helpers shared by the engine-side scenarios (login storm, login latency, rebuild, memory): package
// versions, percentiles, command builders and directory setup. Not a test, not a library.
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { DirectoryId, UserAttributes, UserCommand, UserId } from '@takeover/core';
import { Secret, commandId, directoryId, externalUserKey, isoTime } from '@takeover/core';
import type { Engine } from '@takeover/engine';

export const GOOGLE: DirectoryId = directoryId('google');
export const M365: DirectoryId = directoryId('m365');
export const MAIL = { platformName: 'Bench Portal', portalUrl: 'https://portal.bench.example' } as const;

/** `@takeover/<name>` versions as the workspace has them (plus any other package found in node_modules). */
export const versionsOf = (names: ReadonlyArray<string>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const name of names) {
    const local = name.startsWith('@takeover/')
      ? `../../packages/${name.slice('@takeover/'.length)}/package.json`
      : `../../node_modules/${name}/package.json`;
    try {
      const parsed: unknown = JSON.parse(readFileSync(new URL(local, import.meta.url), 'utf8'));
      const version =
        typeof parsed === 'object' && parsed !== null && 'version' in parsed && typeof parsed.version === 'string'
          ? parsed.version
          : 'unknown';
      out[name] = version;
    } catch {
      out[name] = 'unknown';
    }
  }
  out.node = process.version;
  return out;
};

/** The q-quantile (0..1) of unsorted samples, nearest rank. */
export const quantile = (samples: ReadonlyArray<number>, q: number): number => {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
};

export const median = (samples: ReadonlyArray<number>): number => quantile(samples, 0.5);

export const round = (n: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

let counter = 0;
/**
 * This process's part of every command id: a scenario's instances are separate processes, each with
 * its own counter, and two of them logging one user in at their n-th login made the same id, so the
 * second login was taken for a repeat of the first (issue 13: 80 of the 120 "duplicate" logins of a
 * `shared-quota` run). Distinct commands get distinct ids; a scenario that means one command sent
 * twice (a double-click) passes the same id to both (`logIn`'s `as`).
 */
const PROCESS = randomUUID().slice(0, 8);
/** Command ids carry the user id (so a history recorded for one user can be copied to others by renaming it). */
const nextId = (prefix: string, owner: string) => commandId(`${prefix}-${owner}-${PROCESS}-${++counter}`);
const now = () => isoTime(new Date().toISOString());
const admin = { role: 'admin' as const, id: 'bench-admin' };

/** Command builders: fresh ids, the current time. */
export const cmd = {
  createActive: (u: UserId, attributes: UserAttributes, password: string): UserCommand => ({
    type: 'CreateUser',
    commandId: nextId('create', u),
    userId: u,
    at: now(),
    state: 'active',
    attributes,
    by: admin,
    password: Secret.of(password),
  }),
  bind: (u: UserId, d: DirectoryId, key: string): UserCommand => ({
    type: 'BindDirectory',
    commandId: nextId('bind', u),
    userId: u,
    at: now(),
    directoryId: d,
    by: admin,
    origin: 'admin',
    externalKey: externalUserKey(key),
  }),
  /** A login; `as`: this very command again (the id and time another instance was given: a double-click). */
  logIn: (u: UserId, password: string, as?: { readonly commandId: string; readonly at: string }): UserCommand => ({
    type: 'LogIn',
    commandId: as === undefined ? nextId('login', u) : commandId(as.commandId),
    userId: u,
    at: as === undefined ? now() : isoTime(as.at),
    password: Secret.of(password),
  }),
  changePassword: (u: UserId, password: string): UserCommand => ({
    type: 'SetPassword',
    commandId: nextId('setpw', u),
    userId: u,
    at: now(),
    password: Secret.of(password),
    by: { role: 'user', via: 'portal' },
  }),
  changeName: (u: UserId, givenName: string): UserCommand => ({
    type: 'ChangeAttributes',
    commandId: nextId('change', u),
    userId: u,
    at: now(),
    changes: { givenName },
    by: admin,
  }),
};

/** Runs a user command, failing loudly (with the command type and the engine's message) if it is refused. */
export const run = async (engine: Engine, command: UserCommand): Promise<void> => {
  const r = await engine.execute(command)();
  if (E.isLeft(r)) throw new Error(`${command.type} for ${command.userId}: ${r.left.message}`);
};

/** Connects the two directories (Google Workspace as `google`, Microsoft Entra as `m365`). */
export const connectDirectories = async (engine: Engine, entraDomain = 'contoso.com'): Promise<void> => {
  for (const [id, kind, name, domain] of [
    [GOOGLE, 'google-workspace', 'Google Workspace', 'example.com'],
    [M365, 'microsoft-entra', 'Microsoft 365', entraDomain],
  ] as const) {
    const r = await engine.executeDirectory({
      type: 'ConnectDirectory',
      commandId: nextId('connect', id),
      directoryId: id,
      at: now(),
      kind,
      displayName: name,
      domain,
    })();
    if (E.isLeft(r)) throw new Error(`ConnectDirectory ${id}: ${r.left.message}`);
  }
};

/** Node flags for a child process running one of these TypeScript files: this process's loader flags, plus the source condition and tsx if missing. */
export const childExecArgv = (...extra: ReadonlyArray<string>): string[] => {
  const args = [...process.execArgv];
  if (!args.some((a) => a.includes('takeover-source'))) args.push('--conditions=takeover-source');
  if (!args.some((a) => a.includes('tsx'))) args.push('--import', 'tsx');
  return [...args, ...extra];
};

/** Runs `task` over `items`, `concurrency` at a time. */
export const inBatches = async <T>(
  items: ReadonlyArray<T>,
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> => {
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      const item = items[i];
      if (item === undefined) return;
      await task(item, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
};
