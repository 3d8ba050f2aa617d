// Demo-only routes, registered when `app.demo` is defined (a directory is emulated or mail goes to
// the outbox): check that an emulated directory really has the new password, read the outbox.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AdminPrincipal, DemoService, HostApp } from '../../app/HostApp.js';
import { adminSessionOf } from '../cookies.js';
import { ProblemError } from '../problem.js';
import { decodeVerify } from '../../app/inputs.js';
import { decodeOrThrow, jsonOnly, rateLimited, respond, sendRouteNotFound, type AuthRateLimit } from './common.js';

const registerDemoRoutes = (
  api: FastifyInstance,
  demo: DemoService,
  limit: AuthRateLimit,
  adminOf: (request: FastifyRequest) => Promise<AdminPrincipal | undefined>,
): void => {
  api.post<{ Params: { readonly id: string } }>('/directories/:id/verify', { config: rateLimited(limit) }, async (request, reply) => {
    const { userKey, password } = decodeOrThrow(decodeVerify, request.body);
    return respond(reply, await demo.verify(request.params.id, userKey, password));
  });

  // The outbox holds activation links: only in demo mode, and only for the admin (issue 17 #7).
  if (demo.outbox) {
    api.get('/mail', async (request, reply) => {
      if ((await adminOf(request)) === undefined) throw new ProblemError({ kind: 'unauthorized' });
      return reply.send({ messages: await demo.mail() });
    });
  }
};

export const registerDemoApi = async (server: FastifyInstance, app: HostApp, limit: AuthRateLimit): Promise<void> => {
  const demo = app.demo;
  /** The admin: a bearer token (`POST /api/session`, ADMIN_API_KEY) or the console's session cookie. */
  const adminOf = async (request: FastifyRequest): Promise<AdminPrincipal | undefined> => {
    const header = request.headers.authorization;
    const bearer = typeof header === 'string' ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)?.[1] : undefined;
    const token = bearer ?? adminSessionOf(request);
    return token === undefined ? undefined : app.admin.authenticate(token);
  };
  await server.register(
    (api, _options, done) => {
      api.addHook('onRequest', jsonOnly);
      api.setNotFoundHandler(sendRouteNotFound);
      if (demo !== undefined) registerDemoRoutes(api, demo, limit, adminOf);
      done();
    },
    { prefix: '/demo' },
  );
};
