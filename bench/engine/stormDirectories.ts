// The login storm's two directories: the emulators run in a child process (emulatorsChild.ts), so
// the engine's process only does the engine's work, as a host would; the real connectors talk to
// them over HTTP (Google) and HTTPS (Entra), wired as a host wires them to Google and Microsoft.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import { Secret } from '@takeover/core';
import type { DirectoryConnector } from '@takeover/connector-kit';
import { googleDirectoryClient, googleWorkspaceConnector, serviceAccountKeyFromJson } from '@takeover/connector-google-workspace';
import { entraConnector, entraGraphClient } from '@takeover/connector-microsoft-entra';
import { entraFetchDispatcher, entraHttpsAgent } from '@takeover/directory-emulators/testing';
import { childExecArgv } from './common.js';
import type { ChildReply, ChildRequest, Ready, StartRequest, StormStats } from './stormProtocol.js';
import { ChildReply as ChildReplyCodec } from './stormProtocol.js';

export interface StormDirectories {
  /** The endpoints and credentials (for other processes to build their own connectors with `connectorsFor`). */
  readonly ready: Ready;
  readonly google: DirectoryConnector;
  readonly entra: DirectoryConnector;
  readonly googleIds: ReadonlyArray<string>;
  readonly entraIds: ReadonlyArray<string>;
  readonly stats: (since: number, warmUpMs: number) => Promise<{ readonly google: StormStats; readonly entra: StormStats }>;
  readonly passwords: (
    twice: ReadonlyArray<number>,
    first: string,
    second: string,
  ) => Promise<{ readonly notLatest: number; readonly olderWins: number }>;
  readonly close: () => Promise<void>;
}

const TIMEOUT_MS = 10_000;

/** One request, one reply (the child answers in order). */
const ask = (child: ChildProcess, message: StartRequest | ChildRequest): Promise<ChildReply> =>
  new Promise((resolve, reject) => {
    const onMessage = (raw: unknown) => {
      cleanup();
      const decoded = ChildReplyCodec.decode(raw);
      if (E.isLeft(decoded)) {
        reject(new Error('login-storm: the directories process sent an unexpected message'));
        return;
      }
      if (decoded.right.type === 'error') {
        reject(new Error(decoded.right.message));
        return;
      }
      resolve(decoded.right);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`login-storm: the directories process exited (${String(code)})`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.send(message);
  });

/** The real connectors, wired to the emulators' endpoints as a host wires them to Google and Microsoft. */
export const connectorsFor = (ready: Ready): { readonly google: DirectoryConnector; readonly entra: DirectoryConnector } => {
  const key = serviceAccountKeyFromJson(ready.google.serviceAccountJson);
  if (E.isLeft(key)) throw new Error(`login-storm: the Google emulator's service account key: ${key.left.message}`);
  const { directory } = googleDirectoryClient({
    credentials: key.right,
    subject: ready.google.adminEmail,
    rootUrl: ready.google.url,
    tokenUrl: ready.google.tokenUrl,
  });
  const google = googleWorkspaceConnector({ directory, domain: ready.google.domain, timeoutMs: TIMEOUT_MS });
  const e = ready.entra;
  const graph = entraGraphClient({
    credentials: { tenantId: e.tenantId, clientId: e.clientId, clientSecret: Secret.of(e.clientSecret) },
    authorityHost: e.authorityHost,
    graphBaseUrl: e.graphBaseUrl,
    httpsAgent: entraHttpsAgent({ caPem: e.caPem }),
    fetchOptions: { dispatcher: entraFetchDispatcher({ caPem: e.caPem }) } as unknown as RequestInit,
  });
  const entra = entraConnector({ graph, tenantId: e.tenantId, domain: e.domain, timeoutMs: TIMEOUT_MS });
  return { google, entra };
};

export const startStormDirectories = async (start: Omit<StartRequest, 'type'>): Promise<StormDirectories> => {
  const child = fork(fileURLToPath(new URL('./emulatorsChild.ts', import.meta.url)), [], {
    execArgv: childExecArgv('--max-old-space-size=4096'),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
  });
  try {
    const ready = await ask(child, { type: 'start', ...start });
    if (ready.type !== 'ready') throw new Error('login-storm: the directories process did not start');
    const { google, entra } = connectorsFor(ready);
    return {
      ready,
      google,
      entra,
      googleIds: ready.googleIds,
      entraIds: ready.entraIds,
      stats: async (since, warmUpMs) => {
        const r = await ask(child, { type: 'stats', since, warmUpMs });
        if (r.type !== 'stats') throw new Error('login-storm: unexpected answer to stats');
        return { google: r.google, entra: r.entra };
      },
      passwords: async (twice, first, second) => {
        const r = await ask(child, { type: 'passwords', twice: [...twice], first, second });
        if (r.type !== 'passwords') throw new Error('login-storm: unexpected answer to passwords');
        return { notLatest: r.notLatest, olderWins: r.olderWins };
      },
      close: async () => {
        if (child.exitCode !== null) return;
        const exited = new Promise<void>((resolve) => {
          child.once('exit', () => {
            resolve();
          });
        });
        try {
          await ask(child, { type: 'close' });
        } catch {
          /* it exits as it answers */
        }
        await Promise.race([
          exited,
          new Promise<void>((resolve) => {
            setTimeout(resolve, 5_000).unref();
          }),
        ]);
        if (child.exitCode === null) child.kill();
      },
    };
  } catch (e) {
    child.kill();
    throw e;
  }
};
