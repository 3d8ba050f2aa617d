// The admin JSON API under /api: a bearer token from `POST /api/session` (the admin account's
// email and password) or the ADMIN_API_KEY; every other caller gets 401 with `WWW-Authenticate: Bearer`.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AdminPrincipal, HostApp } from '../../app/HostApp.js';
import {
  decodeAttributeChanges,
  decodeBinding,
  decodeCreateUser,
  decodeCredentials,
  decodePolicyChange,
  decodeStateChange,
} from '../../app/inputs.js';
import * as E from 'fp-ts/lib/Either.js';
import { deviceOf, setDevice } from '../cookies.js';
import { invalid, ProblemError } from '../problem.js';
import { addressOf, decodeOrThrow, jsonOnly, rateLimited, respond, sendRouteNotFound, type AuthRateLimit } from './common.js';

interface IdParams {
  readonly id: string;
}

const bearerOf = (request: FastifyRequest): string | undefined => {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header);
  return match?.[1];
};

/** Reads a non-negative integer from the query string, or throws `invalid` naming it. */
const queryInt = (value: unknown, name: string, max: number): number | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value) || Number(value) > max)
    throw new ProblemError(invalid(name, `must be a whole number from 0 to ${String(max)}`));
  return Number(value);
};

export const registerAdminApi = async (server: FastifyInstance, app: HostApp, limit: AuthRateLimit): Promise<void> => {
  await server.register(
    (api, _options, done) => {
      // Authentication first (no body is read for a caller without a valid token), then the JSON-only rule.
      const principals = new WeakMap<FastifyRequest, AdminPrincipal>();
      api.addHook('onRequest', async (request) => {
        if ((request.routeOptions.config as { readonly public?: boolean }).public === true) return;
        const token = bearerOf(request);
        const principal = token === undefined ? undefined : await app.admin.authenticate(token);
        if (principal === undefined) throw new ProblemError({ kind: 'unauthorized' });
        principals.set(request, principal);
      });
      api.addHook('onRequest', jsonOnly);
      api.addHook('onSend', async (_request, reply, payload) => {
        if (reply.statusCode === 401 && !reply.hasHeader('www-authenticate'))
          void reply.header('www-authenticate', 'Bearer realm="takeover"');
        return payload;
      });
      api.setNotFoundHandler(sendRouteNotFound);

      const principalOf = (request: FastifyRequest): AdminPrincipal => {
        const principal = principals.get(request);
        if (principal === undefined) throw new ProblemError({ kind: 'unauthorized' });
        return principal;
      };

      // ── session ──
      api.post('/session', { config: { ...rateLimited(limit), public: true } }, async (request, reply) => {
        const { email, password } = decodeOrThrow(decodeCredentials, request.body);
        // Scripts keep the bearer token; a browser also keeps the device cookie.
        const outcome = await app.admin.login(email, password, addressOf(request), deviceOf(request, 'admin'));
        if (E.isLeft(outcome)) return respond(reply, outcome);
        setDevice(reply, app, 'admin', outcome.right.device);
        return reply.send({ token: outcome.right.token, expiresAt: outcome.right.expiresAt });
      });
      api.delete('/session', async (request, reply) => {
        const token = bearerOf(request);
        if (token !== undefined) await app.admin.logout(token);
        return reply.code(204).send();
      });

      // ── users ──
      api.get<{ Querystring: Record<string, unknown> }>('/users', async (request, reply) => {
        const { q } = request.query;
        if (q !== undefined && typeof q !== 'string') throw new ProblemError(invalid('q', 'must be given once, as text'));
        const limitN = queryInt(request.query.limit, 'limit', 500);
        const offset = queryInt(request.query.offset, 'offset', 1_000_000_000);
        const query = {
          ...(q === undefined ? {} : { q }),
          ...(limitN === undefined ? {} : { limit: limitN }),
          ...(offset === undefined ? {} : { offset }),
        };
        return reply.send(await app.admin.searchUsers(query));
      });
      api.post('/users', async (request, reply) => {
        const by = principalOf(request);
        const input = decodeOrThrow(decodeCreateUser, request.body);
        return respond(reply, await app.admin.createUser(by, input), 201);
      });
      api.get<{ Params: IdParams }>('/users/:id', async (request, reply) => {
        return respond(reply, await app.admin.getUser(request.params.id));
      });
      api.patch<{ Params: IdParams }>('/users/:id', async (request, reply) => {
        const by = principalOf(request);
        const changes = decodeOrThrow(decodeAttributeChanges, request.body);
        return respond(reply, await app.admin.changeAttributes(by, request.params.id, changes));
      });
      api.post<{ Params: IdParams }>('/users/:id/state', async (request, reply) => {
        const by = principalOf(request);
        const state = decodeOrThrow(decodeStateChange, request.body);
        return respond(reply, await app.admin.setState(by, request.params.id, state));
      });
      api.post<{ Params: IdParams }>('/users/:id/bindings', async (request, reply) => {
        const by = principalOf(request);
        const directoryId = decodeOrThrow(decodeBinding, request.body);
        return respond(reply, await app.admin.bind(by, request.params.id, directoryId));
      });
      api.delete<{ Params: IdParams & { readonly directoryId: string } }>('/users/:id/bindings/:directoryId', async (request, reply) => {
        const by = principalOf(request);
        return respond(reply, await app.admin.unbind(by, request.params.id, request.params.directoryId));
      });
      api.get<{ Params: IdParams }>('/users/:id/audit', async (request, reply) => {
        return respond(reply, await app.admin.audit(request.params.id));
      });
      api.get<{ Params: { readonly pushId: string } }>('/pushes/:pushId/why', async (request, reply) => {
        return respond(reply, await app.admin.why(request.params.pushId));
      });

      // ── directories ──
      api.get('/directories', async (request, reply) => {
        return reply.send({ directories: await app.admin.directories() });
      });
      api.patch<{ Params: IdParams }>('/directories/:id', async (request, reply) => {
        const by = principalOf(request);
        const change = decodeOrThrow(decodePolicyChange, request.body);
        return respond(reply, await app.admin.changeDirectoryPolicy(by, request.params.id, change));
      });
      done();
    },
    { prefix: '/api' },
  );
};
