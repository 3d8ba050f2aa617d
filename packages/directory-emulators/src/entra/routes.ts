// The Entra emulator's HTTP surface: OpenID discovery, instance discovery, JWKS, the v2.0 token
// endpoint, and Graph v1.0 users.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as E from 'fp-ts/lib/Either.js';
import type { ProviderReply } from '../common/http.js';
import { parseForm, parseJson, send } from '../common/http.js';
import type { GraphApiError } from './errors.js';
import { graphError, malformedJson, notFound, renderGraphError, renderOAuthError } from './errors.js';
import { parseFilter } from './filter.js';
import { DEFAULT_PROPERTIES, parseSelect, renderEntraUser } from './render.js';
import type { EntraRuntime, GraphCaller, Operation } from './runtime.js';
import { authenticate, permitted, resourceUnitCost, takeQuota } from './runtime.js';
import { findTenant, findVisibleEntraUser } from './state.js';
import { registerDirectoryReads } from './directoryReads.js';
import { registerUserDelta } from './delta.js';
import { graphQuery } from './query.js';
import { authenticateClient, mintAccessToken } from './token.js';
import { createEntraUser, deleteEntraUser, revokeSessions, updateEntraUser } from './users.js';
import { decodeEntraUserWrite } from './userWrite.js';
import { openIdConfiguration } from './discovery.js';

export type Handler = (caller: GraphCaller, req: FastifyRequest) => Promise<E.Either<GraphApiError, ProviderReply>>;
/** Wraps a Graph handler: token, permissions for the operations, quotas, the envelope. */
export type GraphRoute = (
  ops: (req: FastifyRequest) => ReadonlyArray<Operation>,
  handler: Handler,
) => (req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;
type Query = Readonly<Record<string, string | undefined>>;

const WRITES: ReadonlyArray<Operation> = ['create', 'update', 'password', 'delete', 'revoke'];

export const registerEntraRoutes = (app: FastifyInstance, rt: EntraRuntime, base: () => string, tokenLifetimeSeconds: number): void => {
  const clientRequestId = (req: FastifyRequest): string | undefined => {
    const h = req.headers['client-request-id'];
    return typeof h === 'string' ? h : undefined;
  };
  const fail = (reply: FastifyReply, req: FastifyRequest, e: GraphApiError) =>
    send(reply, renderGraphError(e, rt.clock.now(), clientRequestId(req)));
  const graph: GraphRoute = (ops, handler) => async (req, reply) => {
    const caller = authenticate(rt, req);
    if (E.isLeft(caller)) return fail(reply, req, caller.left);
    const needs = ops(req);
    const allowed = permitted(caller.right, needs);
    if (E.isLeft(allowed)) return fail(reply, req, allowed.left);
    const quota = takeQuota(
      rt,
      caller.right,
      resourceUnitCost(req.method, req.routeOptions.url ?? '', graphQuery(req)),
      needs.some((o) => WRITES.includes(o)),
    );
    if (E.isLeft(quota)) return fail(reply, req, quota.left);
    const r = await handler(caller.right, req);
    if (E.isLeft(r)) return fail(reply, req, r.left);
    const requestId = randomUUID();
    return send(reply, {
      ...r.right,
      headers: {
        'request-id': requestId,
        'client-request-id': clientRequestId(req) ?? requestId,
        ...quota.right,
        ...(r.right.headers ?? {}),
      },
    });
  };
  const body = (req: FastifyRequest, mode: 'create' | 'update') => {
    const parsed = parseJson(req);
    return parsed._tag === 'Parsed' ? decodeEntraUserWrite(parsed.value, mode) : E.left(malformedJson());
  };
  const idOf = (req: FastifyRequest): string => (req.params as { id: string }).id;
  const query = (req: FastifyRequest): Query => Object.fromEntries(graphQuery(req));
  const ctx = (): string => `${base()}v1.0/$metadata`;

  // ---- Entra ID (login) ----
  app.get('/common/discovery/instance', (req, reply) => {
    const host = new URL(base()).host;
    return reply.send({
      tenant_discovery_endpoint: `${base()}common/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
  });
  const discovery = (req: FastifyRequest<{ Params: { tenant: string } }>, reply: FastifyReply) => {
    const t = findTenant(rt.state, req.params.tenant);
    if (t === undefined)
      return send(
        reply,
        renderOAuthError(
          {
            _tag: 'EntraOAuthError',
            status: 400,
            error: 'invalid_tenant',
            aadsts: 90002,
            message: `Tenant '${req.params.tenant}' not found.`,
          },
          rt.clock.now(),
          base(),
        ),
      );
    return send(reply, { status: 200, body: openIdConfiguration(base(), t.id) });
  };
  app.get('/:tenant/v2.0/.well-known/openid-configuration', discovery);
  app.get('/:tenant/.well-known/openid-configuration', discovery);
  app.get('/:tenant/discovery/v2.0/keys', (_req, reply) => {
    const jwk = rt.signer.publicKey.export({ format: 'jwk' });
    return reply.send({ keys: [{ kty: 'RSA', use: 'sig', kid: rt.signer.kid, x5t: rt.signer.kid, n: jwk.n, e: jwk.e }] });
  });
  app.post<{ Params: { tenant: string } }>('/:tenant/oauth2/v2.0/token', (req, reply) => {
    const now = rt.clock.now();
    const r = authenticateClient(rt.state, { tenantKey: req.params.tenant, baseUrl: base(), form: parseForm(req) }, now);
    if (E.isLeft(r)) return send(reply, renderOAuthError(r.left, now, base()));
    const token = mintAccessToken(rt.signer, r.right, now, tokenLifetimeSeconds);
    return send(reply, {
      status: 200,
      body: { token_type: 'Bearer', expires_in: tokenLifetimeSeconds - 1, ext_expires_in: tokenLifetimeSeconds - 1, access_token: token },
    });
  });

  // ---- Microsoft Graph v1.0 ----
  app.post(
    '/v1.0/users',
    graph(
      () => ['create'],
      async (c, req) => {
        const ch = body(req, 'create');
        if (E.isLeft(ch)) return ch;
        const u = await createEntraUser(rt, c, ch.right);
        return E.map((x: Parameters<typeof renderEntraUser>[0]) => ({
          status: 201,
          body: { '@odata.context': `${ctx()}#users/$entity`, ...renderEntraUser(x, DEFAULT_PROPERTIES) },
        }))(u);
      },
    ),
  );
  app.get(
    '/v1.0/users',
    graph(
      () => ['read'],
      (c, req) => {
        const q = query(req);
        const select = parseSelect(q['$select']);
        if (E.isLeft(select)) return Promise.resolve(select);
        const filter = parseFilter(q['$filter']);
        if (E.isLeft(filter)) return Promise.resolve(filter);
        const top = q['$top'] === undefined ? 100 : Number(q['$top']);
        if (!Number.isInteger(top) || top < 1 || top > 999)
          return Promise.resolve(
            E.left(
              graphError(
                400,
                'Request_BadRequest',
                `Invalid page size specified: '${q['$top'] ?? ''}'. Must be between 1 and 999 inclusive.`,
              ),
            ),
          );
        const skip = Number(q['$skiptoken'] ?? '0');
        const now = rt.clock.now();
        const all = [...c.tenant.users.values()]
          .filter((u) => u.visibleFrom <= now)
          .filter(filter.right)
          .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
        const page = all.slice(skip, skip + top);
        const next = new URL(`${base()}v1.0/users`);
        for (const [k, v] of Object.entries(q)) if (v !== undefined && k !== '$skiptoken') next.searchParams.set(k, v);
        next.searchParams.set('$skiptoken', String(skip + top));
        return Promise.resolve(
          E.right({
            status: 200,
            body: {
              '@odata.context': `${ctx()}#users`,
              value: page.map((u) => renderEntraUser(u, select.right)),
              ...(skip + top < all.length ? { '@odata.nextLink': next.toString() } : {}),
            },
          }),
        );
      },
    ),
  );
  registerUserDelta(app, graph, base, ctx, () => rt.clock.now());
  app.get(
    '/v1.0/users/:id',
    graph(
      () => ['read'],
      (c, req) => {
        const select = parseSelect(query(req)['$select']);
        if (E.isLeft(select)) return Promise.resolve(select);
        const u = findVisibleEntraUser(c.tenant, idOf(req), rt.clock.now());
        return Promise.resolve(
          u === undefined
            ? E.left(notFound(idOf(req)))
            : E.right({ status: 200, body: { '@odata.context': `${ctx()}#users/$entity`, ...renderEntraUser(u, select.right) } }),
        );
      },
    ),
  );
  const patchOps = (req: FastifyRequest): ReadonlyArray<Operation> => {
    const parsed = parseJson(req);
    if (parsed._tag !== 'Parsed' || typeof parsed.value !== 'object' || parsed.value === null) return ['update'];
    const keys = Object.keys(parsed.value).filter((k) => !k.startsWith('@odata.'));
    return [
      ...(keys.includes('passwordProfile') ? (['password'] as const) : []),
      ...(keys.some((k) => k !== 'passwordProfile') ? (['update'] as const) : []),
    ];
  };
  app.patch(
    '/v1.0/users/:id',
    graph(patchOps, async (c, req) => {
      const ch = body(req, 'update');
      if (E.isLeft(ch)) return ch;
      return E.map(() => ({ status: 204, body: undefined }))(await updateEntraUser(rt, c, idOf(req), ch.right));
    }),
  );
  app.delete(
    '/v1.0/users/:id',
    graph(
      () => ['delete'],
      (c, req) => Promise.resolve(E.map(() => ({ status: 204, body: undefined }))(deleteEntraUser(rt, c, idOf(req)))),
    ),
  );
  app.post(
    '/v1.0/users/:id/revokeSignInSessions',
    graph(
      () => ['revoke'],
      (c, req) =>
        Promise.resolve(
          E.map(() => ({ status: 200, body: { '@odata.context': `${ctx()}#Edm.Boolean`, value: true } }))(revokeSessions(rt, c, idOf(req))),
        ),
    ),
  );

  registerDirectoryReads(app, graph, ctx);

  app.setNotFoundHandler((req, reply) => {
    const segment = (req.url.split('?')[0] ?? '')
      .split('/')
      .filter((s) => s !== '')
      .slice(1)
      .join('/');
    return fail(reply, req, graphError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`));
  });
  app.setErrorHandler((err: { statusCode?: number }, req, reply) =>
    fail(
      reply,
      req,
      (err.statusCode ?? 500) < 500
        ? graphError(400, 'BadRequest', 'Bad request.')
        : graphError(500, 'UnknownError', 'An internal server error occurred.'),
    ),
  );
};
