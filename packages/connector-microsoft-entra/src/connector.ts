import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import * as t from 'io-ts';
import { checkPassword, isSecret } from '@takeover/core';
import type { ConnectorError, DirectoryConnector, ExternalUserId, PushOutcome, ResolveRequest, Resolution } from '@takeover/connector-kit';
import { externalUserId, permanent, silentLogger, unknowablePassword } from '@takeover/connector-kit';
import { graphCall } from './call.js';
import type { GraphRequestFacts } from './errors.js';
import { GraphPasswordChange, GraphUser, GraphUserList } from './codecs.js';
import type { EntraConnectorConfig } from './config.js';
import { diagnoseEntra } from './diagnose.js';
import { entraAttributes, filterValue, graphAttributes, newUserBody, odataString, passwordProfile } from './mapping.js';
import { explainRefusal } from './refusal.js';
import { passwordChangesSince } from './delta.js';

export const MICROSOFT_ENTRA_KIND = 'microsoft-entra';

const DEFAULT_TIMEOUT_MS = 30_000;

/** PATCH answers 204 and revokeSignInSessions 200 `{"value":true}` (documented as 204): any 2xx will do. */
const AnyBody = t.unknown;

/** A DirectoryConnector for Microsoft Entra ID through Microsoft Graph v1.0 (app-only). */
export const entraConnector = (config: EntraConnectorConfig): DirectoryConnector => {
  const { graph } = config;
  const call = graphCall(config.logger ?? silentLogger, config.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  // Every path value percent-encoded (a UPN's `@`, `+`, `%`, `#`, `/`, non-ASCII).
  const userPath = (key: string) => `/users/${encodeURIComponent(key)}`;
  const found =
    (how: Resolution['how']) =>
    (u: GraphUser): Resolution => ({ externalId: externalUserId(u.id), how });
  const isNotFound = (e: ConnectorError) => e._tag === 'permanent' && e.reason === 'not-found';

  const get = (key: string) =>
    call({
      operation: 'GET /users/{id}',
      run: (signal) => graph.api(userPath(key)).select('id,userPrincipalName').options({ signal }).get(),
      decode: GraphUser,
    });
  const byMail = (mail: string) =>
    call({
      operation: 'GET /users?$filter=mail',
      // Encoded whole: Graph form-decodes the query, so a raw `+` in `j+smith@…` would search for `j smith@…` (issue 12).
      run: (signal) =>
        graph
          .api('/users')
          .filter(filterValue(`mail eq ${odataString(mail)}`))
          .select('id,userPrincipalName')
          .options({ signal })
          .get(),
      decode: GraphUserList,
    });
  const patch = (id: ExternalUserId, body: Record<string, unknown>, facts?: GraphRequestFacts) =>
    call({
      operation: 'PATCH /users/{id}',
      run: (signal) => graph.api(userPath(id)).options({ signal }).patch(body),
      decode: AnyBody,
      ...(facts === undefined ? {} : { facts }),
    });

  const create = (fresh: NonNullable<ResolveRequest['create']>) => {
    // Generated here, sent once, never returned or logged: the takeover sets the real one.
    const password = unknowablePassword();
    return pipe(
      call({
        operation: 'POST /users',
        run: (signal) => graph.api('/users').options({ signal }).post(newUserBody(fresh, password)),
        decode: GraphUser,
        facts: { carriedPassword: true, secrets: [password] },
      }),
      TE.map(found('created')),
    );
  };

  // The sign-in address is the UPN (GET /users/{upn}); failing that, the mail attribute ($filter).
  const byEmail = ({ primaryEmail, create: fresh }: ResolveRequest): TE.TaskEither<ConnectorError, Resolution> =>
    pipe(
      get(primaryEmail),
      TE.map(found('by-email')),
      TE.orElse((e) =>
        !isNotFound(e)
          ? TE.left(e)
          : pipe(
              byMail(primaryEmail),
              TE.chain((list): TE.TaskEither<ConnectorError, Resolution> => {
                const user = list.value[0];
                if (user !== undefined) return TE.right(found('by-email')(user));
                if (fresh !== undefined && config.createUsers !== false) return create(fresh);
                return TE.left(permanent('not-found', { message: `no Entra user with userPrincipalName or mail ${primaryEmail}` }));
              }),
            ),
      ),
    );

  const lastPasswordChange = (externalId: ExternalUserId): TE.TaskEither<ConnectorError, Date | null> =>
    pipe(
      call({
        operation: 'GET /users/{id}?$select=lastPasswordChangeDateTime',
        run: (signal) => graph.api(userPath(externalId)).select('lastPasswordChangeDateTime').options({ signal }).get(),
        decode: GraphPasswordChange,
      }),
      TE.chain(({ lastPasswordChangeDateTime: at }) => {
        if (at === null) return TE.right(null);
        const ms = Date.parse(at);
        return Number.isNaN(ms)
          ? TE.left(permanent('invalid', { code: 'unexpected-response', message: `lastPasswordChangeDateTime is not a date: ${at}` }))
          : TE.right(new Date(ms));
      }),
    );

  const setEnabled = (accountEnabled: boolean) => (id: ExternalUserId) =>
    pipe(
      patch(id, { accountEnabled }),
      TE.map(() => undefined),
    );

  const connector: DirectoryConnector = {
    kind: MICROSOFT_ENTRA_KIND,
    capabilities: {
      revokeSessions: true,
      passwordSetEndsSessions: true, // every password set is a reset: refresh tokens are revoked
      // Every set is a reset (sessions end): never send twice; read lastPasswordChangeDateTime first.
      ambiguousPasswordSet: 'ask',
      createUsers: config.createUsers !== false,
      hashFunctions: [],
      attributes: entraAttributes,
      // R16: lastPasswordChangeDateTime at login, /users/delta in the sweep (neither names who acted).
      externalChanges: { atLogin: true, sweep: true },
    },
    describe: () =>
      pipe(
        call({
          operation: 'GET /users?$top=1',
          run: (signal) => graph.api('/users').top(1).select('id').options({ signal }).get(),
          decode: GraphUserList,
        }),
        TE.map(() => ({
          kind: MICROSOFT_ENTRA_KIND,
          displayName: config.displayName ?? `Microsoft Entra ID (${config.domain})`,
          domain: config.domain,
          tenant: config.tenantId,
        })),
      ),
    resolve: (req) => (req.externalKey === undefined ? byEmail(req) : pipe(get(req.externalKey), TE.map(found('by-key')))),
    suspend: setEnabled(false),
    reactivate: setEnabled(true),
    push: ({ externalId, attributes, password, revokeSessions }) => {
      if (password !== undefined && !isSecret(password)) {
        return TE.left(permanent('invalid', { message: `Entra ID takes plaintext passwords only, not ${password.hashFunction}` }));
      }
      const body = { ...graphAttributes(attributes ?? {}), ...(password === undefined ? {} : passwordProfile(password)) };
      const outcome = (sessions: PushOutcome['sessions']): PushOutcome => ({
        passwordSet: password !== undefined,
        sessions,
        sessionsEnded: sessions === 'revoked' || password !== undefined,
      });
      const revoke = call({
        operation: 'POST /users/{id}/revokeSignInSessions',
        run: (signal) =>
          graph
            .api(`${userPath(externalId)}/revokeSignInSessions`)
            .options({ signal })
            .post({}),
        decode: AnyBody,
      });
      return pipe(
        Object.keys(body).length === 0
          ? TE.right<ConnectorError, unknown>(undefined)
          : patch(externalId, body, { carriedPassword: password !== undefined, secrets: password === undefined ? [] : [password] }),
        // A refusal specific to this user (federated domain, admin target) gets a reason an admin can act on.
        TE.orElse((e) => (password === undefined ? TE.left(e) : explainRefusal({ graph, call }, externalId, e))),
        TE.chain(() =>
          revokeSessions === true
            ? pipe(
                revoke,
                TE.map(() => outcome('revoked')),
              )
            : TE.right(outcome('not-requested')),
        ),
      );
    },
    checkPassword: (password) =>
      TE.right(
        checkPassword(
          {
            kind: 'microsoft-entra',
            ...(config.disableStrongPassword === undefined ? {} : { disableStrongPassword: config.disableStrongPassword }),
          },
          password,
          config.isBanned === undefined ? {} : { isBanned: config.isBanned },
        ),
      ),
    // lastPasswordChangeDateTime is stamped in whole seconds.
    passwordChangePrecisionMs: 1000,
    lastPasswordChange,
    // Graph does not say who changed it: the latest change by anyone, ours included (the engine compares times).
    externalPasswordChange: (externalId) =>
      pipe(
        lastPasswordChange(externalId),
        TE.map((at) => (at === null ? null : { externalId, changedAt: at })),
      ),
    passwordChangesSince: passwordChangesSince(graph, call),
    diagnose: () => diagnoseEntra({ graph, config, call, describe: connector.describe }),
  };
  return connector;
};
