// The admin API's users: search, create, read, change attributes and state, bindings, the audit
// log, a push's "why", a new activation link.
import type { FastifyInstance } from 'fastify';
import type { HostApp } from '../../../app/hostApp.js';
import { decodeAttributeChanges, decodeBinding, decodeCreateUser, decodeStateChange, decodeUserListRequest } from '../../../app/inputs.js';
import { adminOf } from '../../sessions.js';
import { decodeOrThrow, respond } from '../common.js';
import type { IdParams } from './common.js';

export const registerUsersApi = (api: FastifyInstance, app: HostApp): void => {
  // ── users ──
  api.get<{ Querystring: Record<string, unknown> }>('/users', async (request, reply) => {
    const { query, offset } = decodeOrThrow(decodeUserListRequest, request.query);
    return respond(reply, await app.admin.usersPage(query, offset));
  });
  api.post('/users', async (request, reply) => {
    const by = adminOf(request);
    const input = decodeOrThrow(decodeCreateUser, request.body);
    return respond(reply, await app.admin.createUser(by, input), 201);
  });
  api.get<{ Params: IdParams }>('/users/:id', async (request, reply) => {
    return respond(reply, await app.admin.getUser(request.params.id));
  });
  api.patch<{ Params: IdParams }>('/users/:id', async (request, reply) => {
    const by = adminOf(request);
    const changes = decodeOrThrow(decodeAttributeChanges, request.body);
    return respond(reply, await app.admin.changeAttributes(by, request.params.id, changes));
  });
  api.post<{ Params: IdParams }>('/users/:id/state', async (request, reply) => {
    const by = adminOf(request);
    const state = decodeOrThrow(decodeStateChange, request.body);
    return respond(reply, await app.admin.setState(by, request.params.id, state));
  });
  api.post<{ Params: IdParams }>('/users/:id/bindings', async (request, reply) => {
    const by = adminOf(request);
    const directoryId = decodeOrThrow(decodeBinding, request.body);
    return respond(reply, await app.admin.bind(by, request.params.id, directoryId));
  });
  api.delete<{ Params: IdParams & { readonly directoryId: string } }>('/users/:id/bindings/:directoryId', async (request, reply) => {
    const by = adminOf(request);
    return respond(reply, await app.admin.unbind(by, request.params.id, request.params.directoryId));
  });
  api.get<{ Params: IdParams }>('/users/:id/audit', async (request, reply) => {
    return respond(reply, await app.admin.audit(request.params.id));
  });
  api.get<{ Params: { readonly pushId: string } }>('/pushes/:pushId/why', async (request, reply) => {
    return respond(reply, await app.admin.why(request.params.pushId));
  });

  api.post('/users/:id/activation-mail', { config: { bodyless: true } }, async (request, reply) => {
    const by = adminOf(request);
    return respond(reply, await app.admin.resendActivation(by, (request.params as IdParams).id), 202);
  });
};
