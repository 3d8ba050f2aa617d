import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { isSecret, reveal } from '@takeover/core';
import type { DirectoryConnector, ExternalUserId, ResolveRequest, Resolution } from '@takeover/connector-kit';
import { diagnoseByDescribe, externalUserId, permanent, unknowablePassword } from '@takeover/connector-kit';
import { ScimListResponse, ScimUser, ServiceProviderConfig } from './codecs.js';
import type { ScimConnectorConfig } from './config.js';
import { decodeBody, scimRequest } from './http.js';
import { attributeOperations, newUserBody, patchBody, scimAttributes, userNameFilter } from './mapping.js';
import { defaultScimPasswordPolicy } from './policy.js';

export const SCIM_KIND = 'scim';

/** A DirectoryConnector for a SCIM 2.0 service provider (RFC 7643/7644). */
export const scimConnector = (config: ScimConnectorConfig): DirectoryConnector => {
  const request = scimRequest(config);
  const userPath = (id: string) => `/Users/${encodeURIComponent(id)}`;
  const found =
    (how: Resolution['how']) =>
    (u: ScimUser): Resolution => ({ externalId: externalUserId(u.id), how });

  // #region resolve
  const byKey = (key: ExternalUserId) =>
    pipe(request({ method: 'GET', path: userPath(key) }), TE.chainEitherK(decodeBody(ScimUser)), TE.map(found('by-key')));

  const create = (fresh: NonNullable<ResolveRequest['create']>) => {
    // Generated here, sent once, never returned or logged: the takeover sets the real one.
    const password = unknowablePassword();
    return pipe(
      request({ method: 'POST', path: '/Users', body: newUserBody(fresh, reveal(password)), secrets: [password] }),
      TE.chainEitherK(decodeBody(ScimUser)),
      TE.map(found('created')),
    );
  };

  const byEmail = ({ primaryEmail, create: fresh }: ResolveRequest) =>
    pipe(
      request({ method: 'GET', path: `/Users?filter=${encodeURIComponent(userNameFilter(primaryEmail))}` }),
      TE.chainEitherK(decodeBody(ScimListResponse)),
      TE.chain((list) => {
        const user = list.Resources?.[0];
        if (user !== undefined) return TE.right(found('by-email')(user));
        if (fresh !== undefined && config.createUsers !== false) return create(fresh);
        return TE.left(permanent('not-found', { message: `no SCIM user with userName ${primaryEmail}` }));
      }),
    );
  // #endregion resolve

  const setActive = (active: boolean) => (id: ExternalUserId) =>
    pipe(
      request({ method: 'PATCH', path: userPath(id), body: patchBody([{ op: 'replace', path: 'active', value: active }]) }),
      TE.map(() => undefined),
    );

  const connector: DirectoryConnector = {
    kind: SCIM_KIND,
    // #region capabilities
    capabilities: {
      revokeSessions: false, // SCIM defines no sessions: a request to end them is reported `unsupported`
      passwordSetEndsSessions: false,
      // RFC 7644 PATCH `replace` of the password sets the same value again: no session or lockout effect in SCIM itself.
      ambiguousPasswordSet: 'resend',
      createUsers: config.createUsers !== false,
      hashFunctions: [],
      attributes: scimAttributes,
      // SCIM has no password-change time on a user and no audit feed: external changes go unnoticed (R16).
      externalChanges: { atLogin: false, sweep: false },
    },
    // #endregion capabilities
    describe: () =>
      pipe(
        request({ method: 'GET', path: '/ServiceProviderConfig' }),
        TE.chainEitherK(decodeBody(ServiceProviderConfig)),
        TE.chain((spc) =>
          spc.patch.supported && spc.changePassword.supported
            ? TE.right({ kind: SCIM_KIND, displayName: config.displayName, domain: config.domain })
            : TE.left(permanent('invalid', { message: 'the service provider does not support PATCH and password changes' })),
        ),
      ),
    resolve: (req) => (req.externalKey === undefined ? byEmail(req) : byKey(req.externalKey)),
    suspend: setActive(false),
    reactivate: setActive(true),
    // #region push
    push: ({ externalId, attributes, password, revokeSessions }) => {
      const sessions = revokeSessions === true ? ('unsupported' as const) : ('not-requested' as const);
      if (password !== undefined && !isSecret(password)) {
        return TE.left(permanent('invalid', { message: `SCIM takes plaintext passwords only, not ${password.hashFunction}` }));
      }
      const operations = [
        ...attributeOperations(attributes ?? {}),
        ...(password === undefined ? [] : [{ op: 'replace' as const, path: 'password', value: reveal(password) }]),
      ];
      if (operations.length === 0) return TE.right({ passwordSet: false, sessions, sessionsEnded: false });
      return pipe(
        request({ method: 'PATCH', path: userPath(externalId), body: patchBody(operations), secrets: [password] }),
        TE.map(() => ({ passwordSet: password !== undefined, sessions, sessionsEnded: false })),
      );
    },
    // #endregion push
    checkPassword: (password) => TE.right((config.passwordPolicy ?? defaultScimPasswordPolicy)(password)),
    // SCIM has no standard way to read permissions: one authenticated read is all a SCIM connector can check.
    diagnose: () => diagnoseByDescribe(connector.describe),
  };
  return connector;
};
