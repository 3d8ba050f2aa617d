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

export type EntraQuotaName = 'appTenantWrites' | 'tenantWrites';

export interface EntraRuntime {
  readonly state: EntraState;
  readonly clock: Clock;
  readonly scrypt: ScryptCost;
  readonly signer: Signer;
  /** 3,000 user writes per 150 s per app and tenant. */
  readonly appTenantWrites: TokenBuckets;
  /** 18,000 user writes per 5 min per tenant. */
  readonly tenantWrites: TokenBuckets;
}

export type Operation = 'read' | 'create' | 'update' | 'password' | 'delete' | 'revoke';

const GRANTS: Readonly<Record<Operation, ReadonlyArray<string>>> = {
  read: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  create: ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
  update: ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
  password: ['User-PasswordProfile.ReadWrite.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
  delete: ['User.ReadWrite.All'],
  revoke: ['User.RevokeSessions.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
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

/** Takes one write from both buckets; the answer's headers carry Graph's throttle hints. */
export const takeWrite = (rt: EntraRuntime, caller: GraphCaller): E.Either<GraphApiError, Readonly<Record<string, string>>> => {
  const app = rt.appTenantWrites.take(`${caller.tenant.id}:${caller.token.appId}`);
  if (app._tag === 'Throttled') return E.left(throttled(app.retryAfterSeconds));
  const tenant = rt.tenantWrites.take(caller.tenant.id);
  if (tenant._tag === 'Throttled') return E.left(throttled(tenant.retryAfterSeconds));
  const used = Math.max(app.usedFraction, tenant.usedFraction);
  return E.right({ 'x-ms-resource-unit': '1', ...(used > 0.8 ? { 'x-ms-throttle-limit-percentage': used.toFixed(2) } : {}) });
};
