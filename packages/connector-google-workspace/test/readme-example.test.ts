// #region example
import { isLeft } from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { Secret } from '@takeover/core';
import type { DirectoryConnector } from '@takeover/connector-kit';
import { describeConnectorError } from '@takeover/connector-kit';
import { googleDirectoryClient, googleWorkspaceConnector, serviceAccountKeyFromFile } from '@takeover/connector-google-workspace';

export interface GoogleSetup {
  /** The service account's JSON key file. */
  readonly keyFile: string;
  /** The admin the service account impersonates (domain-wide delegation). */
  readonly admin: string;
  readonly domain: string;
  /** Only for an emulator: where the API and the token endpoint are. */
  readonly emulator?: { readonly rootUrl: string; readonly tokenUrl: string };
}

/** Builds the connector for a real tenant (or, with `emulator`, for a local Google emulator). */
export const connectGoogle = (setup: GoogleSetup) =>
  pipe(
    serviceAccountKeyFromFile(setup.keyFile),
    TE.map((credentials) => {
      // `access` lets diagnose() check each scope, the key, the admin and the domain on its own.
      const { directory, access } = googleDirectoryClient({ credentials, subject: setup.admin, ...setup.emulator });
      return googleWorkspaceConnector({ directory, access, domain: setup.domain, timeoutMs: 10_000 });
    }),
  );

/** Sets one user's password, found by primary email, and signs them out everywhere. */
export const setPassword = async (connector: DirectoryConnector, email: string, password: Secret): Promise<string> => {
  const result = await pipe(
    connector.resolve({ primaryEmail: email }),
    TE.chain(({ externalId }) => connector.push({ externalId, password, revokeSessions: true })),
  )();
  return isLeft(result) ? describeConnectorError(result.left) : `password set, sessions ${result.right.sessions}`;
};
// #endregion example

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Secret as S } from '@takeover/core';
import { startGoogleEmulator } from '@takeover/directory-emulators';
import { driftedSnippets } from '@takeover/connector-kit/testing';

const repoRoot = resolve(__dirname, '../../..');

describe('README', () => {
  it('the example sets a password against the Google emulator', async () => {
    const emulator = await startGoogleEmulator({ scryptN: 1024 });
    const dir = await mkdtemp(join(tmpdir(), 'takeover-google-'));
    try {
      const keyFile = join(dir, 'key.json');
      await writeFile(keyFile, JSON.stringify(emulator.credentials));
      await emulator.seed({
        users: [{ primaryEmail: 'ada@example.com', givenName: 'Ada', familyName: 'Lovelace', password: 'First-Pass-1' }],
      });
      const connector = await connectGoogle({
        keyFile,
        admin: emulator.adminEmail,
        domain: 'example.com',
        emulator: { rootUrl: emulator.url, tokenUrl: emulator.tokenUrl },
      })();
      if (isLeft(connector)) throw new Error(connector.left.message);
      expect(await setPassword(connector.right, 'ada@example.com', S.of('Second-Pass-2'))).toBe('password set, sessions revoked');
      expect(await emulator.passwordMatches('ada@example.com', 'Second-Pass-2')).toBe(true);
      expect(await setPassword(connector.right, 'nobody@example.com', S.of('Second-Pass-2'))).toBe(
        'permanent/not-found (404 notFound): Resource Not Found: userKey',
      );
      expect(isLeft(await connectGoogle({ keyFile: join(dir, 'missing.json'), admin: 'a', domain: 'example.com' })())).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await emulator.close();
    }
  });

  it('shows the code that is compiled and tested', () => {
    expect(driftedSnippets('packages/connector-google-workspace/README.md', repoRoot)).toEqual([]);
  });
});
