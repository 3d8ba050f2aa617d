// diagnose(): what the app needs in the tenant, read without changing anything (docs/directories/microsoft-entra.md).
// - credentials: a token is issued (AADSTS errors otherwise);
// - api: one authenticated read of /users;
// - permission: the token's `roles` claim holds User-PasswordProfile.ReadWrite.All or User.ReadWrite.All
//   ("Update user", https://learn.microsoft.com/graph/api/user-update);
// - role: the app's service principal (the token's `oid`) holds a directory role that resets passwords
//   ("Microsoft Entra built-in roles"; "Who can perform sensitive actions"), read from
//   /roleManagement/directory/roleAssignments (RoleManagement.Read.Directory; `unknown` without it);
// - domain: the configured domain is the tenant's, verified, and Managed, not Federated ("Get domain", Domain.Read.All);
// - quota: `x-ms-throttle-limit-percentage` (sent past 80 % of the app+tenant budget; "Microsoft Graph
//   service-specific throttling limits").
import { ResponseType } from '@microsoft/microsoft-graph-client';
import type { Client } from '@microsoft/microsoft-graph-client';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import * as t from 'io-ts';
import type { AccessCheck, ConnectorError, DirectoryDescription } from '@takeover/connector-kit';
import { scrubText } from '@takeover/connector-kit';
import type { GraphCall } from './call.js';
import { fromThrown } from './call.js';
import { GraphDomain, GraphRoleAssignments } from './codecs.js';
import type { EntraConnectorConfig } from './config.js';
import { filterValue, odataString } from './mapping.js';

/** Application permissions that allow setting passwordProfile (least privileged first). */
export const ENTRA_PASSWORD_PERMISSIONS: ReadonlyArray<string> = [
  'User-PasswordProfile.ReadWrite.All',
  'User.ReadWrite.All',
  'Directory.ReadWrite.All',
];
/** Directory roles that reset non-administrators' passwords. */
export const ENTRA_RESET_ROLES: ReadonlyArray<string> = [
  'User Administrator',
  'Helpdesk Administrator',
  'Password Administrator',
  'Authentication Administrator',
  'Privileged Authentication Administrator',
  'Global Administrator',
];
/** Directory roles that also reset administrators' passwords. */
export const ENTRA_ADMIN_RESET_ROLES: ReadonlyArray<string> = ['Privileged Authentication Administrator', 'Global Administrator'];

const ENTRA_PORTAL_PERMISSIONS =
  'Entra admin center → App registrations → {app} → API permissions → Add a permission → Microsoft Graph → Application permissions';

interface TokenClaims {
  readonly roles: ReadonlyArray<string>;
  readonly oid?: string;
  readonly appDisplayName?: string;
}

/** The JWT's payload, not verified: only to read what the token says about itself. */
export const tokenClaims = (token: string): TokenClaims => {
  try {
    const p = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    const roles = Array.isArray(p['roles']) ? p['roles'].filter((r): r is string => typeof r === 'string') : [];
    return {
      roles,
      ...(typeof p['oid'] === 'string' ? { oid: p['oid'] } : {}),
      ...(typeof p['app_displayname'] === 'string' ? { appDisplayName: p['app_displayname'] } : {}),
    };
  } catch {
    return { roles: [] };
  }
};

export interface DiagnoseEnv {
  readonly graph: Client;
  readonly config: EntraConnectorConfig;
  readonly call: <A>(c: GraphCall<A>) => TaskEither<ConnectorError, A>;
  readonly describe: () => TaskEither<ConnectorError, DirectoryDescription>;
}

const check = (c: AccessCheck): AccessCheck => c;
const isForbidden = (e: ConnectorError): boolean => e._tag === 'permanent' && e.reason === 'forbidden';
const isNotFound = (e: ConnectorError): boolean => e._tag === 'permanent' && e.reason === 'not-found';

const token = (env: DiagnoseEnv): TaskEither<ConnectorError, TokenClaims | undefined> => {
  const get = env.config.accessToken;
  if (get === undefined) return TE.right(undefined);
  return TE.tryCatch(
    async () => tokenClaims(await get()),
    (e) =>
      fromThrown(
        Object.assign(
          { statusCode: -1, code: e instanceof Error ? e.name : 'AuthenticationError' },
          e instanceof Error ? { message: e.message } : {},
        ),
        { carriedPassword: false, secrets: [] },
      ),
  );
};

const permissionChecks = (claims: TokenClaims | undefined, app: string): ReadonlyArray<AccessCheck> => {
  if (claims === undefined) {
    return [
      check({
        area: 'permission',
        name: 'User-PasswordProfile.ReadWrite.All (application)',
        status: 'unknown',
        detail: 'the connector was not given its access token (config.accessToken), so it cannot read the granted permissions',
        fix: 'Build the client with entraGraphAccess and pass its accessToken to entraConnector.',
      }),
    ];
  }
  const held = claims.roles;
  const password = ENTRA_PASSWORD_PERMISSIONS.find((p) => held.includes(p));
  const portal = ENTRA_PORTAL_PERMISSIONS.replace('{app}', app);
  return [
    password === undefined
      ? check({
          area: 'permission',
          name: 'User-PasswordProfile.ReadWrite.All (application)',
          status: 'missing',
          detail: `the app's token grants ${held.length === 0 ? 'no application permission' : held.join(', ')}: no permission to set passwords`,
          fix: `${portal} → User-PasswordProfile.ReadWrite.All, then "Grant admin consent".`,
        })
      : check({
          area: 'permission',
          name: 'User-PasswordProfile.ReadWrite.All (application)',
          status: 'ok',
          detail: `granted as ${password}`,
        }),
    ['User.ReadWrite.All', 'Directory.ReadWrite.All'].some((p) => held.includes(p))
      ? check({
          area: 'permission',
          name: 'User.ReadWrite.All (application)',
          status: 'ok',
          detail: 'attributes, enabling/disabling and creating users',
        })
      : check({
          area: 'permission',
          name: 'User.ReadWrite.All (application)',
          status: 'missing',
          detail: 'needed to write attributes, enable/disable and create users',
          fix: `${portal} → User.ReadWrite.All, then "Grant admin consent".`,
        }),
    ['User.RevokeSessions.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'].some((p) => held.includes(p))
      ? check({ area: 'permission', name: 'User.RevokeSessions.All (application)', status: 'ok', detail: 'revokeSignInSessions' })
      : check({
          area: 'permission',
          name: 'User.RevokeSessions.All (application)',
          status: 'missing',
          detail: 'needed to end sessions (revokeSessionsOnPush)',
          fix: `${portal} → User.RevokeSessions.All, then "Grant admin consent".`,
        }),
  ];
};

const roleCheck = (env: DiagnoseEnv, claims: TokenClaims | undefined, app: string): TaskEither<ConnectorError, AccessCheck> => {
  const name = 'User Administrator (directory role)';
  const assign = `Assign the User Administrator role to the app '${app}' in Entra admin center → Roles and administrators → User Administrator → Add assignments (Privileged Authentication Administrator as well to reset administrators' passwords).`;
  if (claims?.oid === undefined)
    return TE.right(
      check({
        area: 'role',
        name,
        status: 'unknown',
        detail: 'the service principal is not known (no access token given to the connector)',
        fix: assign,
      }),
    );
  const principalId = claims.oid;
  return pipe(
    env.call({
      operation: 'GET /roleManagement/directory/roleAssignments',
      run: (signal) =>
        env.graph
          .api('/roleManagement/directory/roleAssignments')
          .filter(filterValue(`principalId eq ${odataString(principalId)}`))
          .expand('roleDefinition')
          .options({ signal })
          .get(),
      decode: GraphRoleAssignments,
    }),
    TE.map((list): AccessCheck => {
      const roles = list.value.map((a) => a.roleDefinition?.displayName ?? a.roleDefinitionId);
      const resets = roles.filter((r) => ENTRA_RESET_ROLES.includes(r));
      if (resets.length === 0)
        return check({
          area: 'role',
          name,
          status: 'missing',
          detail: `the app's service principal (${principalId}) holds ${roles.length === 0 ? 'no directory role' : roles.join(', ')}: every password set will answer 403 Authorization_RequestDenied`,
          fix: assign,
        });
      const admins = resets.some((r) => ENTRA_ADMIN_RESET_ROLES.includes(r));
      return check({
        area: 'role',
        name,
        status: 'ok',
        detail: `holds ${resets.join(', ')}${admins ? ' (resets administrators too)' : "; administrators' passwords need Privileged Authentication Administrator"}`,
      });
    }),
    TE.orElse((e) =>
      isForbidden(e)
        ? TE.right(
            check({
              area: 'role',
              name,
              status: 'unknown',
              detail: 'the app may not read role assignments (403)',
              fix: `Grant RoleManagement.Read.Directory (application) so this can be checked; and: ${assign}`,
            }),
          )
        : TE.left(e),
    ),
  );
};

const domainCheck = (env: DiagnoseEnv): TaskEither<ConnectorError, AccessCheck> => {
  const { domain } = env.config;
  const name = `${domain} (domain)`;
  return pipe(
    env.call({
      operation: 'GET /domains/{id}',
      run: (signal) =>
        env.graph
          .api(`/domains/${encodeURIComponent(domain)}`)
          .select('id,authenticationType,isVerified')
          .options({ signal })
          .get(),
      decode: GraphDomain,
    }),
    TE.map((d): AccessCheck => {
      if (d.isVerified === false)
        return check({
          area: 'domain',
          name,
          status: 'missing',
          detail: `${domain} is not verified in the tenant: users cannot be created in it`,
          fix: `Verify ${domain} in Entra admin center → Settings → Domain names.`,
        });
      if (d.authenticationType === 'Federated')
        return check({
          area: 'domain',
          name,
          status: 'missing',
          detail: `${domain} is federated: its users' passwords live with the federation provider and Graph refuses to set them`,
          fix: `Convert ${domain} to managed (cloud) authentication, or bind users of a managed domain.`,
        });
      return check({ area: 'domain', name, status: 'ok', detail: `${domain} is verified and managed (cloud passwords)` });
    }),
    TE.orElse((e) => {
      if (isNotFound(e))
        return TE.right(
          check({
            area: 'domain',
            name,
            status: 'missing',
            detail: `${domain} is not a domain of tenant ${env.config.tenantId}`,
            fix: `Set the connector's domain to one of the tenant's verified domains (Entra admin center → Settings → Domain names), or add and verify ${domain} there.`,
          }),
        );
      if (isForbidden(e))
        return TE.right(
          check({
            area: 'domain',
            name,
            status: 'unknown',
            detail: 'the app may not read domains (403)',
            fix: 'Grant Domain.Read.All (application) so the domain can be checked.',
          }),
        );
      return TE.left(e);
    }),
  );
};

const QuotaAnswer = t.type({ status: t.number, percentage: t.union([t.string, t.null]) });

const quotaCheck = (env: DiagnoseEnv): TaskEither<ConnectorError, AccessCheck> =>
  pipe(
    env.call({
      operation: 'GET /users?$top=1 (quota headers)',
      run: async (signal) => {
        const r = (await env.graph.api('/users').top(1).select('id').responseType(ResponseType.RAW).options({ signal }).get()) as Response;
        return { status: r.status, percentage: r.headers.get('x-ms-throttle-limit-percentage') };
      },
      decode: QuotaAnswer,
    }),
    TE.map(({ status, percentage }): AccessCheck => {
      const name = 'Graph resource-unit budget (app + tenant)';
      if (status === 429)
        return check({
          area: 'quota',
          name,
          status: 'missing',
          detail: 'Graph is throttling this app in this tenant now (429)',
          fix: 'Wait, and look for another job using the same app registration in this tenant.',
        });
      if (percentage === null)
        return check({ area: 'quota', name, status: 'ok', detail: 'under 80 % of the budget (no x-ms-throttle-limit-percentage)' });
      return check({
        area: 'quota',
        name,
        status: 'missing',
        detail: `x-ms-throttle-limit-percentage ${percentage}: over 80 % of the budget used`,
        fix: 'Spread the load: another job may be using the same app registration in this tenant.',
      });
    }),
  );

const credentialsFix = (config: EntraConnectorConfig): string =>
  `Check the client secret (its value, not its ID) or certificate of the app registration in tenant ${config.tenantId}: Entra admin center → App registrations → ${config.appDisplayName ?? 'the takeover app'} → Certificates & secrets.`;

/** See the file comment. A Left only when Graph could not be asked at all (no connection, 5xx, throttled). */
export const diagnoseEntra = (env: DiagnoseEnv): TaskEither<ConnectorError, ReadonlyArray<AccessCheck>> =>
  pipe(
    token(env),
    TE.chain((claims) =>
      pipe(
        env.describe(),
        TE.map(() =>
          check({ area: 'api', name: 'Microsoft Graph users API', status: 'ok', detail: `read users of tenant ${env.config.tenantId}` }),
        ),
        TE.orElse((e) =>
          isForbidden(e)
            ? TE.right(
                check({
                  area: 'api',
                  name: 'Microsoft Graph users API',
                  status: 'missing',
                  detail: scrubText(e.provider.message, []),
                  fix: `${ENTRA_PORTAL_PERMISSIONS.replace('{app}', env.config.appDisplayName ?? claims?.appDisplayName ?? 'the takeover app')} → User.ReadWrite.All, then "Grant admin consent".`,
                }),
              )
            : TE.left(e),
        ),
        TE.chain((api) => {
          const app = env.config.appDisplayName ?? claims?.appDisplayName ?? 'the takeover app';
          const credentials = check({
            area: 'credentials',
            name: 'app credentials',
            status: 'ok',
            detail: claims === undefined ? "Graph accepted the app's token" : `token issued to '${app}'`,
          });
          return pipe(
            TE.sequenceSeqArray([roleCheck(env, claims, app), domainCheck(env), quotaCheck(env)]),
            TE.map((rest): ReadonlyArray<AccessCheck> => [credentials, api, ...permissionChecks(claims, app), ...rest]),
          );
        }),
      ),
    ),
    TE.orElse((e) =>
      e._tag === 'auth'
        ? TE.right<ConnectorError, ReadonlyArray<AccessCheck>>([
            check({
              area: 'credentials',
              name: 'app credentials',
              status: 'missing',
              detail: e.provider.message,
              fix: credentialsFix(env.config),
            }),
          ])
        : TE.left(e),
    ),
  );
