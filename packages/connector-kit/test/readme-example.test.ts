// The README's examples, compiled and run. Keep them in sync: readme.test.ts compares the regions.
// #region engine
import { isLeft } from 'fp-ts/lib/Either.js';
import { Secret } from '@takeover/core';
import type { DirectoryConnector, ExternalUserId } from '@takeover/connector-kit';
import { describeConnectorError } from '@takeover/connector-kit';

/** What an engine does with one push: succeed, wait and retry, give up until something changes, or call an admin. */
export const pushOnce = async (connector: DirectoryConnector, externalId: ExternalUserId, password: Secret): Promise<string> => {
  const result = await connector.push({ externalId, password, revokeSessions: true })();
  if (!isLeft(result)) return `pushed (sessions: ${result.right.sessions})`;
  const e = result.left;
  switch (e._tag) {
    case 'retryable':
      return `retry in ${e.retryAfter ?? 1000} ms: ${describeConnectorError(e)}`;
    case 'permanent':
      return `stays owed until something changes: ${describeConnectorError(e)}`;
    case 'auth':
      return `an admin must fix the connection: ${describeConnectorError(e)}`;
  }
};
// #endregion engine

// #region suite
import { describeConformance, inMemoryDirectory } from '@takeover/connector-kit/testing';

describeConformance('the in-memory directory', ({ logger }) => Promise.resolve(inMemoryDirectory({ logger })));
// #endregion suite

describe('README: handling a push result', () => {
  it('walks the taxonomy', async () => {
    const { connector, target } = inMemoryDirectory();
    const id = await target.seedUser({
      primaryEmail: 'ada@example.com',
      givenName: 'Ada',
      familyName: 'Lovelace',
      password: 'first-password',
    });
    expect(await pushOnce(connector, id, Secret.of('second-password'))).toBe('pushed (sessions: revoked)');
    await target.injectFault({ kind: 'throttle', retryAfterSeconds: 3 });
    expect(await pushOnce(connector, id, Secret.of('third-password'))).toBe(
      'retry in 3000 ms: retryable/throttled (429 throttled): slow down (retry after 3000 ms)',
    );
    await target.injectFault({ kind: 'auth' });
    expect(await pushOnce(connector, id, Secret.of('third-password'))).toBe(
      'an admin must fix the connection: auth (401 unauthenticated): bad credentials',
    );
  });
});
