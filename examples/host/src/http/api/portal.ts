// The portal's JSON endpoints under /portal/api (the HTML forms are the pages'): cookie session
// `takeover_portal`, set by login; application/json only (415 otherwise), which with SameSite=Lax
// cookies keeps other sites from posting here.
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HostApp, PortalPrincipal } from '../../app/HostApp.js';
import { decodeActivation, decodeCredentials, decodePasswordChange } from '../../app/inputs.js';
import { clearPortalSession, deviceOf, portalSessionOf, setDevice, setPortalSession } from '../cookies.js';
import { ProblemError, sendProblem } from '../problem.js';
import { addressOf, decodeOrThrow, jsonOnly, rateLimited, respond, sendRouteNotFound, type AuthRateLimit } from './common.js';

export const registerPortalApi = async (server: FastifyInstance, app: HostApp, limit: AuthRateLimit): Promise<void> => {
  await server.register(
    (api, _options, done) => {
      api.addHook('onRequest', jsonOnly);
      api.setNotFoundHandler(sendRouteNotFound);

      const principalOf = async (request: FastifyRequest): Promise<PortalPrincipal> => {
        const token = portalSessionOf(request);
        const principal = token === undefined ? undefined : await app.portal.session(token);
        if (principal === undefined) throw new ProblemError({ kind: 'unauthorized' });
        return principal;
      };

      api.post('/login', { config: rateLimited(limit) }, async (request, reply) => {
        const { email, password } = decodeOrThrow(decodeCredentials, request.body);
        const outcome = await app.portal.login(email, password, addressOf(request), deviceOf(request, 'portal'));
        if (E.isLeft(outcome)) return sendProblem(reply, outcome.left);
        setPortalSession(reply, app, outcome.right.sessionToken);
        setDevice(reply, app, 'portal', outcome.right.device);
        const { userId, email: userEmail, displayName } = outcome.right.principal;
        return reply.send({ userId, email: userEmail, displayName });
      });

      api.post('/logout', { config: { bodyless: true } }, async (request, reply) => {
        const token = portalSessionOf(request);
        if (token !== undefined) await app.portal.logout(token);
        clearPortalSession(reply, app);
        return reply.code(204).send();
      });

      // No per-address route limit here: a valid link must never be held up by what others sent
      // from the same address (issue 17 #6); the service throttles bad links per address.
      api.post('/activate', async (request, reply) => {
        const { token, password } = decodeOrThrow(decodeActivation, request.body);
        return respond(reply, await app.portal.activate(token, password, addressOf(request)));
      });

      api.post('/password', { config: rateLimited(limit) }, async (request, reply) => {
        const principal = await principalOf(request);
        const { current, next } = decodeOrThrow(decodePasswordChange, request.body);
        const outcome = await app.portal.changePassword(principal.userId, current, next, addressOf(request), portalSessionOf(request));
        return E.isRight(outcome) ? reply.code(204).send() : respond(reply, outcome);
      });

      api.get('/notifications', async (request, reply) => {
        const principal = await principalOf(request);
        return reply.send(await app.portal.notifications(principal.userId));
      });
      done();
    },
    { prefix: '/portal/api' },
  );
};
