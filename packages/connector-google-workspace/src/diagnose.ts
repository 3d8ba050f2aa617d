// diagnose(): what the connector needs in Google Workspace, checked without changing anything.
// Sources (docs/directories/google-workspace.md has the table):
// - Domain-wide delegation: "Control API access with domain-wide delegation", support.google.com/a/answer/162106;
//   the token endpoint refuses an undelegated scope with `unauthorized_client` (developers.google.com/identity/protocols/oauth2/service-account, "Error codes").
// - The impersonated user must be an administrator: Directory API "Prerequisites" (developers.google.com/workspace/admin/directory/v1/guides/prerequisites);
//   otherwise 403 "Not Authorized to access this resource/api".
// - users.list `domain` must be one of the account's domains (users.list reference); otherwise the same 403.
// - Quotas: "Directory API limits and quotas" (developers.google.com/workspace/admin/directory/v1/limits): Google
//   sends no header with the remaining quota, so headroom cannot be read.
import type { admin_directory_v1 } from '@googleapis/admin';
import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import * as t from 'io-ts';
import type { AccessCheck, ConnectorError } from '@takeover/connector-kit';
import type { GoogleCall } from './call.js';
import type { GoogleAccessProbe } from './client.js';
import { DIRECTORY_USER_SCOPE, DIRECTORY_USER_SECURITY_SCOPE, REPORTS_AUDIT_READONLY_SCOPE } from './client.js';
import { GoogleUser, GoogleUserList } from './codecs.js';

type Call = <A>(call: GoogleCall<A>) => TaskEither<ConnectorError, A>;

export interface DiagnoseEnv {
  readonly call: Call;
  readonly users: admin_directory_v1.Resource$Users;
  readonly domain: string;
  readonly access?: GoogleAccessProbe;
  /** The connector was given a Reports client (R16): the audit scope is then required, not optional. */
  readonly detectsExternalChanges?: boolean;
}

/** A probe's outcome: Right(answer) or Right(refusal); Left only when Google could not be asked (network, 5xx, throttled). */
type Outcome<A> = E.Either<ConnectorError, A>;
const attempt =
  <A>(te: TaskEither<ConnectorError, A>): TaskEither<ConnectorError, Outcome<A>> =>
  async () => {
    const r = await te();
    return E.isRight(r) || r.left._tag !== 'retryable' ? E.right(r) : r;
  };

const delegationFix = (access: GoogleAccessProbe | undefined, scope: string): string =>
  `In the Admin console → Security → Access and data control → API controls → Domain-wide delegation, add scope ${scope} to client id ${access?.clientId ?? `of service account ${access?.serviceAccount ?? "(the connector's service account)"}`}.`;

const refusedScope = (e: ConnectorError): boolean => e._tag === 'auth' && e.provider.code === 'unauthorized_client';

interface ScopeNeed {
  readonly scope: string;
  readonly why: string;
  /** Optional scopes are `unknown` when refused: without them the connector cannot look, nothing breaks. */
  readonly optional: boolean;
}

const SCOPES: ReadonlyArray<ScopeNeed> = [
  { scope: DIRECTORY_USER_SCOPE, why: 'required: read, create and update users (users.get/list/insert/update)', optional: false },
  {
    scope: DIRECTORY_USER_SECURITY_SCOPE,
    why: "needed to end sessions (users.signOut) when the directory revokes sessions on push; the connector's client asks for it by default, so while it is refused every call fails",
    optional: false,
  },
  {
    scope: REPORTS_AUDIT_READONLY_SCOPE,
    why: 'optional: the Reports API audit, to see password changes made in Google itself',
    optional: true,
  },
];

export const diagnoseGoogle =
  (env: DiagnoseEnv): TaskEither<ConnectorError, ReadonlyArray<AccessCheck>> =>
  async () => {
    const { call, users, domain, access } = env;
    const scopes =
      env.detectsExternalChanges === true
        ? SCOPES.map((n) =>
            n.scope === REPORTS_AUDIT_READONLY_SCOPE
              ? {
                  ...n,
                  why: 'required: the connector is configured to notice password changes made in Google (Reports API activities.list, user_accounts and admin)',
                  optional: false,
                }
              : n,
          )
        : SCOPES;
    const checks: AccessCheck[] = [];
    const subject = access?.subject ?? 'the impersonated admin';

    // 1. Credentials and each scope: one token request per scope.
    let refusedCredentials: ConnectorError | undefined;
    for (const need of scopes) {
      if (access === undefined) {
        checks.push({
          area: 'permission',
          name: need.scope,
          status: 'unknown',
          detail: `${need.why}. Not checked: the connector was configured without \`access\` (googleDirectoryClient(…).access).`,
          fix: "Pass googleDirectoryClient(…).access as the connector's `access`.",
        });
        continue;
      }
      const r = await attempt(call({ operation: 'token', run: () => access.token([need.scope]), decode: t.unknown }))();
      if (E.isLeft(r)) return r;
      const got = r.right;
      if (E.isRight(got)) {
        checks.push({ area: 'permission', name: need.scope, status: 'ok', detail: `${need.why}; delegated to ${access.serviceAccount}` });
      } else if (refusedScope(got.left)) {
        checks.push({
          area: 'permission',
          name: need.scope,
          status: need.optional ? 'unknown' : 'missing',
          detail: `${need.why}. The token endpoint refused it: ${got.left.provider.message}`,
          fix: delegationFix(access, need.scope),
        });
      } else {
        refusedCredentials = got.left;
        checks.push({
          area: 'permission',
          name: need.scope,
          status: 'unknown',
          detail: `${need.why}. Not known: the credentials were refused (see the credentials check).`,
        });
      }
    }
    if (access !== undefined) {
      if (refusedCredentials !== undefined) {
        const message = refusedCredentials.provider.message;
        const badSubject = /email|user id/i.test(message);
        checks.unshift({
          area: 'credentials',
          name: `service account ${access.serviceAccount} impersonating ${subject}`,
          status: 'missing',
          detail: `The token endpoint refused the service account: ${message}`,
          fix: badSubject
            ? `Set the connector's subject to an existing super admin of ${domain} (Admin console → Directory → Users).`
            : `Create a new JSON key for ${access.serviceAccount} (Google Cloud console → IAM & Admin → Service Accounts → Keys → Add key) and configure the connector with it; the configured key is not (or no longer) one of its keys.`,
        });
      } else {
        checks.unshift({
          area: 'credentials',
          name: `service account ${access.serviceAccount} impersonating ${subject}`,
          status: 'ok',
          detail: 'the token endpoint issued tokens for the key',
        });
      }
    }

    // 2. The impersonated admin (with the connector's own client: the scopes it really asks for).
    const self =
      access === undefined
        ? undefined
        : await attempt(call({ operation: 'users.get', run: (o) => users.get({ userKey: access.subject }, o), decode: GoogleUser }))();
    if (self !== undefined && E.isLeft(self)) return self;
    const me = self?.right;
    const roleName = `super admin (${subject})`;
    if (me === undefined) {
      checks.push({
        area: 'role',
        name: roleName,
        status: 'unknown',
        detail: 'Not checked: the connector was configured without `access`, so it does not know whom it impersonates.',
      });
    } else if (E.isRight(me)) {
      checks.push(
        me.right.isAdmin === true
          ? { area: 'role', name: roleName, status: 'ok', detail: `${access?.subject ?? ''} is a super admin` }
          : me.right.isDelegatedAdmin === true
            ? {
                area: 'role',
                name: roleName,
                status: 'unknown',
                detail: `${access?.subject ?? ''} is a delegated admin: enough if its role has the Users read, create and update privileges over the organisational units synchronised (reading the role needs admin.directory.rolemanagement.readonly, which the connector does not ask for); admins' own passwords need a super admin`,
                fix: `Check ${access?.subject ?? 'the impersonated admin'}'s role in the Admin console → Account → Admin roles, or impersonate a super admin.`,
              }
            : {
                area: 'role',
                name: roleName,
                status: 'missing',
                detail: `${access?.subject ?? ''} is not a super admin: password changes and sign-outs need one`,
                fix: `In the Admin console → Account → Admin roles → Super Admin → Assign users, assign ${access?.subject ?? 'the impersonated user'}, or impersonate an existing super admin.`,
              },
      );
    } else if (me.left._tag === 'permanent' && me.left.reason === 'forbidden' && me.left.provider.code !== 'accessNotConfigured') {
      checks.push({
        area: 'role',
        name: roleName,
        status: 'missing',
        detail: `Google answered ${me.left.provider.message}: ${subject} is not an administrator`,
        fix: `In the Admin console → Account → Admin roles → Super Admin → Assign users, assign ${subject}, or set the connector's subject to an existing super admin.`,
      });
    } else {
      checks.push({ area: 'role', name: roleName, status: 'unknown', detail: `Not known: ${me.left.provider.message}` });
    }

    // 3. API access for the whole account, then for the configured domain.
    const account = await attempt(
      call({ operation: 'users.list', run: (o) => users.list({ customer: 'my_customer', maxResults: 1 }, o), decode: GoogleUserList }),
    )();
    if (E.isLeft(account)) return account;
    const api = account.right;
    if (E.isRight(api)) {
      checks.push({ area: 'api', name: 'Admin SDK API (Directory)', status: 'ok', detail: 'users.list answered for the account' });
    } else if (api.left.provider.code === 'accessNotConfigured') {
      checks.push({
        area: 'api',
        name: 'Admin SDK API (Directory)',
        status: 'missing',
        detail: api.left.provider.message,
        fix: `Enable the Admin SDK API in the Google Cloud console → APIs & Services → Library, in the project of ${access?.serviceAccount ?? 'the service account'}.`,
      });
    } else {
      checks.push({
        area: 'api',
        name: 'Admin SDK API (Directory)',
        status: 'unknown',
        detail: `Not known: ${api.left.provider.message} (see the checks above)`,
      });
    }
    const inDomain = await attempt(
      call({ operation: 'users.list', run: (o) => users.list({ domain, maxResults: 1 }, o), decode: GoogleUserList }),
    )();
    if (E.isLeft(inDomain)) return inDomain;
    const d = inDomain.right;
    if (E.isRight(d)) {
      checks.push({ area: 'domain', name: domain, status: 'ok', detail: `${domain} is a domain of the account` });
    } else if (E.isRight(api) && d.left._tag === 'permanent' && d.left.reason === 'forbidden') {
      checks.push({
        area: 'domain',
        name: domain,
        status: 'missing',
        detail: `users.list for ${domain} was refused (${d.left.provider.message}) while the account answered: ${domain} is not one of its domains`,
        fix: `Set the connector's domain to one listed in the Admin console → Account → Domains → Manage domains, or add and verify ${domain} there.`,
      });
    } else {
      checks.push({ area: 'domain', name: domain, status: 'unknown', detail: `Not known: ${d.left.provider.message}` });
    }

    // 4. Reports API with its own token, when that scope is delegated.
    const reportsCheck = checks.find((c) => c.name === REPORTS_AUDIT_READONLY_SCOPE);
    if (access !== undefined && reportsCheck?.status === 'ok') {
      const r = await attempt(call({ operation: 'activities.list', run: (o) => access.reports(o), decode: t.unknown }))();
      if (E.isLeft(r)) return r;
      if (E.isLeft(r.right)) {
        checks.push({
          area: 'api',
          name: 'Reports API (audit activities)',
          status: 'unknown',
          detail: `optional: ${r.right.left.provider.message}`,
          fix: 'Give the impersonated admin the Reports privilege (a super admin has it).',
        });
      } else {
        checks.push({
          area: 'api',
          name: 'Reports API (audit activities)',
          status: 'ok',
          detail: 'activities.list answered for the admin application',
        });
      }
    }

    // 5. Quota headroom: Google does not say.
    checks.push({
      area: 'quota',
      name: 'Directory API queries per minute',
      status: 'unknown',
      detail:
        'Google sends no header with the remaining quota (published default: 2,400 queries per minute per user per project); throttling shows only as 403 userRateLimitExceeded / 429 rateLimitExceeded.',
      fix: "See the Google Cloud console → APIs & Services → Admin SDK API → Quotas for the project's use.",
    });
    return E.right(checks);
  };
