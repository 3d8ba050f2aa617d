// What an Entra/Graph handler needs, and the checks before it runs: the bearer token, the app's
// permissions for the operation, and (for writes) the two write quotas.
import type { FastifyRequest } from 'fastify';
import * as E from 'fp-ts/lib/Either.js';
import type { Clock } from '../common/clock.js';
import { bearer } from '../common/http.js';
import type { TokenBuckets } from '../common/tokenBucket.js';
import type { ScryptCost } from '../common/verifier.js';
import type { GraphApiError } from './errors.js';
import { forbidden, throttled, unauthenticated } from './errors.js';
import type { EntraState, EntraTenant } from './state.js';
import type { GraphToken, Signer } from './token.js';
import { TOKEN_PROBLEM_MESSAGES, verifyAccessToken } from './token.js';

export type EntraQuotaName = 'appTenantWrites' | 'tenantWrites' | 'appTenantResourceUnits';

export interface EntraRuntime {
  readonly state: EntraState;
  readonly clock: Clock;
  readonly scrypt: ScryptCost;
  readonly signer: Signer;
  /** 3,000 user writes per 150 s per app and tenant. */
  readonly appTenantWrites: TokenBuckets;
  /** 18,000 user writes per 5 min per tenant. */
  readonly tenantWrites: TokenBuckets;
  /**
   * Resource units per app and tenant, every request (reads too): 3,500 per 10 s, the published
   * quota of a small (S, under 50 users) tenant. "Microsoft Graph service-specific throttling
   * limits", Identity and access service limits (https://learn.microsoft.com/graph/throttling-limits).
   */
  readonly appTenantResourceUnits: TokenBuckets;
  /**
   * How long a user created by POST /users answers 404 by id or UPN (emulator clock): "Designing
   * for eventual consistency for Microsoft Entra"
   * (https://devblogs.microsoft.com/identity/designing-for-eventual-consistency-for-microsoft-entra/).
   */
  propagationDelayMs: number;
}

export type Operation = 'read' | 'create' | 'update' | 'password' | 'delete' | 'revoke' | 'readRoles' | 'readDomains';

const GRANTS: Readonly<Record<Operation, ReadonlyArray<string>>> = {
  read: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  create: ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
  update: ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
  password: ['User-PasswordProfile.ReadWrite.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
  delete: ['User.ReadWrite.All'],
  revoke: ['User.RevokeSessions.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
  // "List unifiedRoleAssignments" (https://learn.microsoft.com/graph/api/rbacapplication-list-roleassignments)
  readRoles: [
    'RoleManagement.Read.Directory',
    'RoleManagement.Read.All',
    'RoleManagement.ReadWrite.Directory',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  // "Get domain" (https://learn.microsoft.com/graph/api/domain-get)
  readDomains: ['Domain.Read.All', 'Domain.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
};

export interface GraphCaller {
  readonly token: GraphToken;
  readonly tenant: EntraTenant;
}

export const authenticate = (rt: EntraRuntime, req: FastifyRequest): E.Either<GraphApiError, GraphCaller> => {
  const t = verifyAccessToken(rt.signer, rt.state, bearer(req), rt.clock.now());
  if (E.isLeft(t)) return E.left(unauthenticated(TOKEN_PROBLEM_MESSAGES[t.left]));
  const tenant = rt.state.tenants.get(t.right.tenantId);
  return tenant === undefined ? E.left(unauthenticated(TOKEN_PROBLEM_MESSAGES.tenant)) : E.right({ token: t.right, tenant });
};

export const permitted = (caller: GraphCaller, ops: ReadonlyArray<Operation>): E.Either<GraphApiError, void> =>
  ops.every((op) => GRANTS[op].some((g) => caller.token.roles.includes(g))) ? E.right(undefined) : E.left(forbidden());

/**
 * A request's resource-unit cost (throttling-limits, "Identity and access service limits"): base 2
 * for GET /users (the list), 1 for anything else; `$select` −1; `$expand` +1; `$top` under 20 −1;
 * never below 1.
 */
export const resourceUnitCost = (method: string, route: string, query: URLSearchParams): number => {
  const base = method === 'GET' && route === '/v1.0/users' ? 2 : 1;
  const top = query.get('$top');
  const cost = base - (query.has('$select') ? 1 : 0) + (query.has('$expand') ? 1 : 0) - (top !== null && Number(top) < 20 ? 1 : 0);
  return Math.max(1, cost);
};

const scope = (limit: 'Read' | 'Write', caller: GraphCaller): string =>
  `Tenant_Application/${limit}/${caller.token.appId}/${caller.tenant.id}`;

/**
 * Takes the request's resource units from the app+tenant budget and, for a write, one write from
 * both write buckets; the answer's headers carry Graph's hints: `x-ms-resource-unit` always,
 * `x-ms-throttle-limit-percentage` once more than 80 % of a limit is used.
 */
export const takeQuota = (
  rt: EntraRuntime,
  caller: GraphCaller,
  cost: number,
  write: boolean,
): E.Either<GraphApiError, Readonly<Record<string, string>>> => {
  const key = `${caller.tenant.id}:${caller.token.appId}`;
  const units = rt.appTenantResourceUnits.take(key, cost);
  if (units._tag === 'Throttled') return E.left(throttled(units.retryAfterSeconds, scope('Read', caller)));
  let used = units.usedFraction;
  if (write) {
    const app = rt.appTenantWrites.take(key);
    if (app._tag === 'Throttled') return E.left(throttled(app.retryAfterSeconds, scope('Write', caller)));
    const tenant = rt.tenantWrites.take(caller.tenant.id);
    if (tenant._tag === 'Throttled')
      return E.left(throttled(tenant.retryAfterSeconds, `Tenant/Write/${caller.token.appId}/${caller.tenant.id}`));
    used = Math.max(used, app.usedFraction, tenant.usedFraction);
  }
  return E.right({ 'x-ms-resource-unit': String(cost), ...(used > 0.8 ? { 'x-ms-throttle-limit-percentage': used.toFixed(2) } : {}) });
};
