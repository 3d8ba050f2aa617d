// The portal's JSON endpoints under /portal/api (the HTML forms are the pages'): cookie session
// `takeover_portal`, set by login (audience `portal-api`, src/http/sessions.ts); application/json
// only (415 otherwise), which with SameSite=Lax cookies keeps other sites from posting here.
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance } from 'fastify';
import type { HostApp } from '../../app/hostApp.js';
import { decodeActivation, decodeDismiss, decodePasswordChange } from '../../app/inputs.js';
import { portalSessionOf } from '../cookies.js';
import { portalSurface, registerLogin } from '../login.js';
import { userOf, withAudience } from '../sessions.js';
import { addressOf, decodeOrThrow, jsonOnly, rateLimited, respond, sendRouteNotFound, type AuthRateLimit } from './common.js';

export const registerPortalApi = async (server: FastifyInstance, app: HostApp, limit: AuthRateLimit): Promise<void> =>
  withAudience(
    server,
    app,
    'portal-api',
    (api) => {
      api.addHook('onRequest', jsonOnly);
      api.setNotFoundHandler(sendRouteNotFound);

      registerLogin(
        api,
        app,
        portalSurface(app),
        { login: '/login', logout: '/logout' },
        {
          kind: 'json',
          body: ({ principal: { userId, email, displayName } }) => ({ userId, email, displayName }),
          logout: { method: 'POST', audience: 'public' },
        },
      );

      // No per-address route limit here: a valid link must never be held up by what others sent
      // from the same address (issue 17 #6); the service throttles bad links per address.
      api.post('/activate', { config: { audience: 'public' } }, async (request, reply) => {
        const { token, password } = decodeOrThrow(decodeActivation, request.body);
        return respond(reply, await app.portal.activate(token, password, addressOf(request)));
      });

      api.post('/password', { config: rateLimited(limit) }, async (request, reply) => {
        const principal = userOf(request);
        const { current, next } = decodeOrThrow(decodePasswordChange, request.body);
        const outcome = await app.portal.changePassword(principal.userId, current, next, addressOf(request), portalSessionOf(request));
        return E.isRight(outcome) ? reply.code(204).send() : respond(reply, outcome);
      });

      api.get('/bookmarks', async (request, reply) => {
        const principal = userOf(request);
        return reply.send(await app.portal.bookmarks(principal.userId));
      });

      api.post('/notifications/dismiss', async (request, reply) => {
        const principal = userOf(request);
        const ids = decodeOrThrow(decodeDismiss, request.body);
        return reply.send(await app.portal.dismissNotifications(principal.userId, ids));
      });

      api.get('/notifications', async (request, reply) => {
        const principal = userOf(request);
        return reply.send(await app.portal.notifications(principal.userId));
      });
    },
    { prefix: '/portal/api' },
  );
