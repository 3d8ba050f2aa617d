import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { ConnectorError } from './errors.js';
import type { AccessCheck, DirectoryDescription } from './port.js';

/**
 * A failure after which the directory may or may not have applied the request: no answer in time,
 * or the connection dropped after the request left. Sending a password again after one of these
 * can be a second reset (R17): resolve it first (`ambiguousPasswordSet`).
 */
export const isAmbiguous = (e: ConnectorError): boolean => e._tag === 'retryable' && (e.reason === 'timeout' || e.reason === 'connection');

/**
 * The least a `diagnose` can say: one authenticated read (the connector's `describe`). For a
 * directory whose API cannot report permissions or roles (SCIM); connectors that can, say more.
 */
export const diagnoseByDescribe = (
  describe: () => TaskEither<ConnectorError, DirectoryDescription>,
): TaskEither<ConnectorError, ReadonlyArray<AccessCheck>> =>
  pipe(
    describe(),
    TE.map((d): ReadonlyArray<AccessCheck> => [
      { area: 'api', name: `${d.kind} API`, status: 'ok', detail: `read ${d.domain} with the configured credentials` },
    ]),
    TE.orElse((e): TaskEither<ConnectorError, ReadonlyArray<AccessCheck>> => {
      if (e._tag === 'auth')
        return TE.right([
          {
            area: 'credentials',
            name: 'credentials',
            status: 'missing',
            detail: e.provider.message,
            fix: "Check the connector's credentials (secret, key, token) and their consent.",
          },
        ]);
      if (e._tag === 'permanent' && e.reason === 'forbidden')
        return TE.right([
          {
            area: 'permission',
            name: 'read access',
            status: 'missing',
            detail: e.provider.message,
            fix: "Grant the connector's account the right to read and write users.",
          },
        ]);
      return TE.left(e);
    }),
  );
