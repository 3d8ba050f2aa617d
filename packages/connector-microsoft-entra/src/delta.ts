// R16's sweep for Entra: Graph delta query on users, selecting only lastPasswordChangeDateTime
// ("Get incremental changes for users", https://learn.microsoft.com/graph/delta-query-users).
// The first call (no cursor) is a full round: every user, paged by @odata.nextLink; the round ends
// with an @odata.deltaLink, which is the cursor. Calling it later returns only the users whose
// selected properties changed since, then a new deltaLink. An unknown or expired token answers
// 410 (syncStateNotFound / resyncRequired): the sweep starts a new full round, whose changes the
// engine compares with its own last push as it does any others.
// A deleted user comes as `{ id, "@removed": { reason } }` ("changed": deleted, restorable for 30
// days; "deleted": deleted for good; same docs, "Track changes to users"): there is no password to
// set back, so it is reported as removed (`PasswordChangePage.removed`), never as a change. A
// disabled account is not removed: it comes only if a selected property changed.
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import * as t from 'io-ts';
import type { ConnectorError, PasswordChange, PasswordChangePage, RemovedAccount } from '@takeover/connector-kit';
import { externalUserId, permanent } from '@takeover/connector-kit';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { graphCall } from './call.js';

export const DELTA_START = '/users/delta?$select=id,lastPasswordChangeDateTime';

const GraphDeltaPage = t.intersection(
  [
    t.type({
      value: t.array(
        t.intersection([
          t.type({ id: t.string }),
          t.partial({ lastPasswordChangeDateTime: t.union([t.string, t.null]), '@removed': t.unknown }),
        ]),
      ),
    }),
    t.partial({ '@odata.nextLink': t.string, '@odata.deltaLink': t.string }),
  ],
  'GraphDeltaPage',
);
type GraphDeltaPage = t.TypeOf<typeof GraphDeltaPage>;
/** `@removed`'s body; any other shape still means removed (and restorable, the cautious reading). */
const Removed = t.type({ reason: t.string });

const restartable = (e: ConnectorError): boolean =>
  e.provider.status === 410 || /^(syncStateNotFound|resyncRequired|SyncStateInvalid)$/i.test(e.provider.code ?? '');

/**
 * One delta page: the cursor is the nextLink while the round goes on (`more`), then the deltaLink.
 * An unknown or expired token (410) starts a new round from its first page.
 */
export const passwordChangesSince =
  (graph: Client, call: ReturnType<typeof graphCall>) =>
  (cursor: string | null): TE.TaskEither<ConnectorError, PasswordChangePage> => {
    const page = (url: string): TE.TaskEither<ConnectorError, PasswordChangePage> =>
      pipe(
        call({ operation: 'GET /users/delta', run: (signal) => graph.api(url).options({ signal }).get(), decode: GraphDeltaPage }),
        TE.chain((p: GraphDeltaPage): TE.TaskEither<ConnectorError, PasswordChangePage> => {
          const changes: PasswordChange[] = [];
          const removed: RemovedAccount[] = [];
          for (const u of p.value) {
            const at = u.lastPasswordChangeDateTime;
            if (u.id === '') continue;
            const gone = u['@removed'];
            if (gone !== undefined) {
              removed.push({ externalId: externalUserId(u.id), permanently: Removed.is(gone) && gone.reason === 'deleted' });
              continue;
            }
            if (at === undefined || at === null) continue;
            const ms = Date.parse(at);
            if (Number.isNaN(ms))
              return TE.left(
                permanent('invalid', { code: 'unexpected-response', message: `lastPasswordChangeDateTime is not a date: ${at}` }),
              );
            changes.push({ externalId: externalUserId(u.id), changedAt: new Date(ms) });
          }
          const next = p['@odata.nextLink'];
          const delta = p['@odata.deltaLink'];
          const gone = removed.length === 0 ? {} : { removed };
          if (next !== undefined) return TE.right({ changes, cursor: next, more: true, ...gone });
          if (delta !== undefined) return TE.right({ changes, cursor: delta, more: false, ...gone });
          return TE.left(
            permanent('invalid', {
              code: 'unexpected-response',
              message: 'a delta page with neither @odata.nextLink nor @odata.deltaLink',
            }),
          );
        }),
      );
    return cursor === null
      ? page(DELTA_START)
      : pipe(
          page(cursor),
          TE.orElse((e) => (restartable(e) ? page(DELTA_START) : TE.left(e))),
        );
  };
