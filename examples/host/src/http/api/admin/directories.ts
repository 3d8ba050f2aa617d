// The admin API's directories: the list, the push policy, the portal bookmarks.
import type { FastifyInstance } from 'fastify';
import type { HostApp } from '../../../app/hostApp.js';
import { decodeBookmarks, decodePolicyChange } from '../../../app/inputs.js';
import { adminOf } from '../../sessions.js';
import { decodeOrThrow, respond } from '../common.js';
import type { IdParams } from './common.js';

export const registerDirectoriesApi = (api: FastifyInstance, app: HostApp): void => {
  // ── directories ──
  api.get('/directories', async (request, reply) => {
    return reply.send({ directories: await app.admin.directories() });
  });
  api.get<{ Params: IdParams }>('/directories/:id/bookmarks', async (request, reply) => {
    return respond(reply, await app.admin.bookmarks(request.params.id));
  });
  api.put<{ Params: IdParams }>('/directories/:id/bookmarks', async (request, reply) => {
    const by = adminOf(request);
    const list = decodeOrThrow(decodeBookmarks, request.body);
    return respond(reply, await app.admin.setBookmarks(by, request.params.id, list));
  });
  api.patch<{ Params: IdParams }>('/directories/:id', async (request, reply) => {
    const by = adminOf(request);
    const change = decodeOrThrow(decodePolicyChange, request.body);
    return respond(reply, await app.admin.changeDirectoryPolicy(by, request.params.id, change));
  });
};
