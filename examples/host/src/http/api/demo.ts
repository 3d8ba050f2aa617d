// Demo-only routes, registered when `app.demo` is defined (a directory is emulated or mail goes to
// the outbox): check that an emulated directory really has the new password, read the outbox.
import type { FastifyInstance } from 'fastify';
import type { DemoService } from '../../app/HostApp.js';
import { decodeVerify } from '../../app/inputs.js';
import { decodeOrThrow, jsonOnly, rateLimited, respond, sendRouteNotFound, type AuthRateLimit } from './common.js';

const registerDemoRoutes = (api: FastifyInstance, demo: DemoService, limit: AuthRateLimit): void => {
  api.post<{ Params: { readonly id: string } }>('/directories/:id/verify', { config: rateLimited(limit) }, async (request, reply) => {
    const { userKey, password } = decodeOrThrow(decodeVerify, request.body);
    return respond(reply, await demo.verify(request.params.id, userKey, password));
  });

  api.get('/mail', async (_request, reply) => reply.send({ messages: await demo.mail() }));
};

export const registerDemoApi = async (server: FastifyInstance, demo: DemoService | undefined, limit: AuthRateLimit): Promise<void> => {
  await server.register(
    (api, _options, done) => {
      api.addHook('onRequest', jsonOnly);
      api.setNotFoundHandler(sendRouteNotFound);
      if (demo !== undefined) registerDemoRoutes(api, demo, limit);
      done();
    },
    { prefix: '/demo' },
  );
};
