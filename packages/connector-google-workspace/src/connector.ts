import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import * as t from 'io-ts';
import { checkPassword, isSecret } from '@takeover/core';
import type { ConnectorError, DirectoryConnector, ExternalUserId, PushOutcome, ResolveRequest, Resolution } from '@takeover/connector-kit';
import { externalUserId, permanent, retryable, silentLogger, unknowablePassword } from '@takeover/connector-kit';
import { googleCall } from './call.js';
import { GoogleUser, GoogleUserList } from './codecs.js';
import type { GoogleWorkspaceConnectorConfig } from './config.js';
import { diagnoseGoogle } from './diagnose.js';
import type { ReportsEnv } from './reports.js';
import { googleExternalPasswordChange, googlePasswordChangesSince } from './reports.js';
import type { GoogleUserWrite } from './mapping.js';
import { attributeFields, googleAttributes, googleHashFunctions, newUserBody, passwordFields } from './mapping.js';

export const GOOGLE_WORKSPACE_KIND = 'google-workspace';

const DEFAULT_TIMEOUT_MS = 30_000;

/** users.signOut answers 204 with no body. */
const NoContent = t.unknown;

/**
 * A DirectoryConnector for Google Workspace over the Admin SDK Directory API. Every write is
 * users.update (PUT, with patch semantics: one quota unit, where users.patch costs three); every
 * call is one attempt with retries off and a timeout, whatever the host's client defaults are.
 */
export const googleWorkspaceConnector = (config: GoogleWorkspaceConnectorConfig): DirectoryConnector => {
  const users = config.directory.users;
  const call = googleCall(config.logger ?? silentLogger, config.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const found =
    (how: Resolution['how']) =>
    (u: GoogleUser): Resolution => ({ externalId: externalUserId(u.id), how });

  const get = (userKey: string) => call({ operation: 'users.get', run: (o) => users.get({ userKey }, o), decode: GoogleUser });

  const update = (userKey: string, requestBody: GoogleUserWrite, password?: Parameters<typeof passwordFields>[0]) =>
    call({
      operation: 'users.update',
      run: (o) => users.update({ userKey, requestBody }, o),
      decode: GoogleUser,
      facts: {
        carriedPassword: password !== undefined,
        secrets: password === undefined ? [] : [isSecret(password) ? password : password.hash],
      },
    });

  const create = (fresh: NonNullable<ResolveRequest['create']>) => {
    // Generated here, sent once, never returned or logged: the takeover sets the real one.
    const password = unknowablePassword();
    return pipe(
      call({
        operation: 'users.insert',
        run: (o) => users.insert({ requestBody: newUserBody(fresh, password) }, o),
        decode: GoogleUser,
        facts: { carriedPassword: true, secrets: [password] },
      }),
      TE.map(found('created')),
      // 409 after users.get said 404: the account exists but is still propagating (made moments ago,
      // perhaps by an earlier attempt whose answer was lost). Never a second account: retry later.
      TE.mapLeft((e): ConnectorError =>
        e._tag === 'permanent' && e.provider.code === 'duplicate' ? retryable('propagating', e.provider) : e,
      ),
    );
  };

  // A userKey may be the immutable id, the primary email or an alias: one users.get answers all three.
  const byEmail = ({ primaryEmail, create: fresh }: ResolveRequest) =>
    pipe(
      get(primaryEmail),
      TE.map(found('by-email')),
      TE.orElse((e): TE.TaskEither<ConnectorError, Resolution> =>
        e._tag === 'permanent' && e.reason === 'not-found' && fresh !== undefined && config.createUsers !== false
          ? create(fresh)
          : TE.left(e),
      ),
    );

  const reports: ReportsEnv | undefined =
    config.reports === undefined
      ? undefined
      : { call, reports: config.reports.client, users, actor: config.reports.actor, now: () => Date.now() };

  const setSuspended = (suspended: boolean) => (id: ExternalUserId) =>
    pipe(
      update(id, { suspended }),
      TE.map(() => undefined),
    );

  const connector: DirectoryConnector = {
    kind: GOOGLE_WORKSPACE_KIND,
    capabilities: {
      revokeSessions: true,
      // Google's admin help: after resetting a password, also reset the user's sign-in cookies: sessions survive a password change until users.signOut.
      passwordSetEndsSessions: false,
      // Setting the same password again ends no session and changes nothing a user sees (only another CHANGE_PASSWORD audit entry).
      ambiguousPasswordSet: 'resend',
      createUsers: config.createUsers !== false,
      hashFunctions: googleHashFunctions,
      attributes: googleAttributes,
      // R16 through the Reports API, when the host gave the connector a Reports client.
      externalChanges: { atLogin: reports !== undefined, sweep: reports !== undefined },
    },
    describe: () =>
      pipe(
        call({ operation: 'users.list', run: (o) => users.list({ domain: config.domain, maxResults: 1 }, o), decode: GoogleUserList }),
        TE.map(() => ({
          kind: GOOGLE_WORKSPACE_KIND,
          displayName: config.displayName ?? `Google Workspace (${config.domain})`,
          domain: config.domain,
        })),
      ),
    resolve: (req) => (req.externalKey === undefined ? byEmail(req) : pipe(get(req.externalKey), TE.map(found('by-key')))),
    suspend: setSuspended(true),
    reactivate: setSuspended(false),
    push: ({ externalId, attributes, password, revokeSessions }) => {
      if (password !== undefined && !isSecret(password) && !googleHashFunctions.includes(password.hashFunction)) {
        return TE.left(permanent('invalid', { message: `Google takes MD5, SHA-1 or crypt hashes, not ${password.hashFunction}` }));
      }
      const body = { ...attributeFields(attributes ?? {}), ...(password === undefined ? {} : passwordFields(password)) };
      const outcome = (sessions: PushOutcome['sessions']): PushOutcome => ({
        passwordSet: password !== undefined,
        sessions,
        sessionsEnded: sessions === 'revoked',
      });
      const signOut = call({ operation: 'users.signOut', run: (o) => users.signOut({ userKey: externalId }, o), decode: NoContent });
      return pipe(
        Object.keys(body).length === 0 ? TE.right<ConnectorError, unknown>(undefined) : update(externalId, body, password),
        TE.chain(() =>
          revokeSessions === true
            ? pipe(
                signOut,
                TE.map(() => outcome('revoked')),
              )
            : TE.right(outcome('not-requested')),
        ),
      );
    },
    checkPassword: (password) => TE.right(checkPassword(config.passwordPolicy ?? { kind: 'google-workspace' }, password)),
    ...(reports === undefined
      ? {}
      : { externalPasswordChange: googleExternalPasswordChange(reports), passwordChangesSince: googlePasswordChangesSince(reports) }),
    diagnose: () =>
      diagnoseGoogle({
        call,
        users,
        domain: config.domain,
        detectsExternalChanges: reports !== undefined,
        ...(config.access === undefined ? {} : { access: config.access }),
      }),
  };
  return connector;
};
