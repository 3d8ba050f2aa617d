// The server-rendered pages: home, portal, admin console, /mail, /check and the static assets.
// They work without client-side JavaScript (one same-origin script adds live password feedback).
// Every POST form carries `_csrf` and its route checks it (`server.csrfProtection`); pages answer
// errors in HTML, while the JSON prefixes (/api, /portal/api, /demo) keep the HTTP layer's JSON.
import type {} from '@fastify/csrf-protection';
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HostApp } from '../../app/HostApp.js';
import { decodePasswordCheck } from '../../app/inputs.js';
import { jsonOnly, sendRouteNotFound } from '../api/common.js';
import { sendProblem } from '../problem.js';
import { registerAdminSession } from './adminCommon.js';
import { registerAdminDirectories } from './adminDirectories.js';
import { registerAdminUsers } from './adminUsers.js';
import { PASSWORD_FEEDBACK_JS } from './assets/passwordFeedback.js';
import { STYLE_CSS } from './assets/style.js';
import { registerCheckPage } from './check.js';
import { pagesErrorHandler, sendNotFoundPage } from './errors.js';
import { registerHome } from './home.js';
import { registerMailPages } from './mail.js';
import { registerPortalPages } from './portal.js';
import { portalPrincipal } from './support.js';

/** Paths that answer JSON when nothing matches (the HTTP layer's prefixes). */
const JSON_PREFIXES = ['/api', '/portal/api', '/demo', '/healthz', '/readyz', '/metrics'];
const isJsonPath = (url: string): boolean => {
  const path = url.split('?', 1)[0] ?? '';
  return JSON_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
};
const acceptsHtml = (request: FastifyRequest): boolean => (request.headers.accept ?? '').includes('text/html');

const sendAsset = (reply: FastifyReply, type: string, body: string): FastifyReply =>
  reply.header('cache-control', 'public, max-age=300').type(type).send(body);

/** Registers every HTML route, the assets, `POST /portal/api/password-check`, and the root not-found handler (HTML for pages, JSON for the API). */
export const registerPages = async (server: FastifyInstance, app: HostApp): Promise<void> => {
  await server.register((pages, _options, done) => {
    pages.setErrorHandler(pagesErrorHandler(app));
    pages.get('/assets/style.css', async (_request, reply) => sendAsset(reply, 'text/css; charset=utf-8', STYLE_CSS));
    pages.get('/assets/password-feedback.js', async (_request, reply) =>
      sendAsset(reply, 'text/javascript; charset=utf-8', PASSWORD_FEEDBACK_JS),
    );
    registerHome(pages, app);
    registerPortalPages(pages, app);
    registerAdminSession(pages, app);
    registerAdminUsers(pages, app);
    registerAdminDirectories(pages, app);
    if (app.demo !== undefined) {
      registerMailPages(pages, app, app.demo);
      registerCheckPage(pages, app, app.demo);
    }
    done();
  });

  // The live password feedback: JSON in and out, like the rest of /portal/api (the HTTP layer's error handler answers JSON).
  await server.register((api, _options, done) => {
    api.addHook('onRequest', jsonOnly);
    api.post('/portal/api/password-check', { config: { rateLimit: { max: 300, timeWindow: 60_000 } } }, async (request, reply) => {
      const decoded = decodePasswordCheck(request.body ?? {});
      if (E.isLeft(decoded)) return sendProblem(reply, decoded.left);
      const { token, password } = decoded.right;
      let who:
        { readonly activationToken: string } | { readonly userId: NonNullable<Awaited<ReturnType<typeof portalPrincipal>>>['userId'] };
      if (token !== undefined) who = { activationToken: token };
      else {
        const principal = await portalPrincipal(request, app);
        if (principal === undefined) return sendProblem(reply, { kind: 'unauthorized' });
        who = { userId: principal.userId };
      }
      const feedback = await app.portal.passwordFeedback(who, password);
      return E.isLeft(feedback) ? sendProblem(reply, feedback.left) : reply.header('cache-control', 'no-store').send(feedback.right);
    });
    done();
  });

  server.setNotFoundHandler((request, reply) => {
    if (isJsonPath(request.url) || !acceptsHtml(request)) return sendRouteNotFound(request, reply);
    return sendNotFoundPage(app, reply);
  });
};
