// Demo-only routes, registered when `app.demo` is defined (a directory is emulated or mail goes to
// the outbox): check that an emulated directory really has the new password, change it there as the
// user would (outside the portal), read the outbox (audience `demo`: the admin by bearer token or
// the console's cookie).
import type { FastifyInstance } from 'fastify';
import type { DemoService, HostApp } from '../../app/hostApp.js';
import { decodeDemoPassword, decodeVerify } from '../../app/inputs.js';
import { withAudience } from '../sessions.js';
import { decodeOrThrow, jsonOnly, rateLimited, respond, sendRouteNotFound, type AuthRateLimit } from './common.js';

const registerDemoRoutes = (api: FastifyInstance, demo: DemoService, limit: AuthRateLimit): void => {
  const publicLimited = { ...rateLimited(limit), audience: 'public' as const };
  api.post<{ Params: { readonly id: string } }>('/directories/:id/verify', { config: publicLimited }, async (request, reply) => {
    const { userKey, password } = decodeOrThrow(decodeVerify, request.body);
    return respond(reply, await demo.verify(request.params.id, userKey, password));
  });

  // The user changes their password in the emulated directory itself, outside the portal (R16).
  api.post<{ Params: { readonly id: string; readonly userKey: string } }>(
    '/directories/:id/users/:userKey/password',
    { config: publicLimited },
    async (request, reply) => {
      const { password } = decodeOrThrow(decodeDemoPassword, request.body);
      return respond(reply, await demo.changePassword(request.params.id, request.params.userKey, password));
    },
  );

  // The outbox holds activation links: only in demo mode, and only for the admin (issue 17 #7).
  if (demo.outbox) {
    api.get('/mail', async (_request, reply) => reply.send({ messages: await demo.mail() }));
  }
};

export const registerDemoApi = async (server: FastifyInstance, app: HostApp, limit: AuthRateLimit): Promise<void> => {
  const demo = app.demo;
  await withAudience(
    server,
    app,
    'demo',
    (api) => {
      api.addHook('onRequest', jsonOnly);
      api.setNotFoundHandler(sendRouteNotFound);
      if (demo !== undefined) registerDemoRoutes(api, demo, limit);
    },
    { prefix: '/demo' },
  );
};
