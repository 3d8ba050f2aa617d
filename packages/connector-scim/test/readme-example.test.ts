// #region example
import { isLeft } from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { Secret } from '@takeover/core';
import { describeConnectorError } from '@takeover/connector-kit';
import { scimConnector } from '@takeover/connector-scim';

/** Sets one user's password in a SCIM service provider. */
export const setPassword = async (baseUrl: string, token: Secret, email: string, password: Secret): Promise<string> => {
  const connector = scimConnector({ baseUrl, bearerToken: token, displayName: 'Example IdP', domain: 'example.com', timeoutMs: 10_000 });
  const result = await pipe(
    connector.resolve({ primaryEmail: email }),
    TE.chain(({ externalId }) => connector.push({ externalId, password })),
  )();
  return isLeft(result) ? describeConnectorError(result.left) : 'password set';
};
// #endregion example

import { Secret as S } from '@takeover/core';
import { scimTarget, startScimTestServer } from '@takeover/connector-scim/testing';

describe('README example', () => {
  it('sets a password against the SCIM test server', async () => {
    const server = await startScimTestServer();
    try {
      const target = scimTarget(server);
      const id = await target.seedUser({
        primaryEmail: 'ada@example.com',
        givenName: 'Ada',
        familyName: 'Lovelace',
        password: 'first-password',
      });
      expect(await setPassword(server.baseUrl, S.of(server.token), 'ada@example.com', S.of('second-password'))).toBe('password set');
      expect(await target.passwordMatches(id, 'second-password')).toBe(true);
      expect(await setPassword(server.baseUrl, S.of(server.token), 'nobody@example.com', S.of('second-password'))).toBe(
        'permanent/not-found: no SCIM user with userName nobody@example.com',
      );
    } finally {
      await server.close();
    }
  });
});
