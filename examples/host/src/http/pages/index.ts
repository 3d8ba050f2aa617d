// The server-rendered pages: home, portal, admin console, /mail, /check and the static assets.
// They work without client-side JavaScript (one same-origin script adds live password feedback).
// Every POST form carries `_csrf` and its route checks it (`server.csrfProtection`); pages answer
// errors in HTML, while the JSON prefixes (/api, /portal/api, /demo) keep the HTTP layer's JSON.
// Each page belongs to one audience (src/http/sessions.ts): public, portal-page or admin-page.
import type {} from '@fastify/csrf-protection';
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HostApp, PortalPrincipal } from '../../app/hostApp.js';
import { decodePasswordCheck } from '../../app/inputs.js';
import { jsonOnly, sendRouteNotFound } from '../api/common.js';
import { consoleSurface, portalSurface, registerLogin } from '../login.js';
import { sendProblem } from '../problem.js';
import { portalUser, withAudience } from '../sessions.js';
import { registerAdminBulk } from './adminBulk.js';
import { registerAdminCsv } from './adminCsv.js';
import { registerAdminDirectories } from './adminDirectories.js';
import { registerAdminJobs } from './adminJobs.js';
import { registerAdminPushes } from './adminPushes.js';
import { registerAdminRollout } from './adminRollout.js';
import { registerAdminUser } from './adminUser.js';
import { registerAdminUserActions } from './adminUserActions.js';
import { registerAdminUserList } from './adminUserList.js';
import { registerAdminUserNew } from './adminUserNew.js';
import { registerAdminUserTable } from './adminUserTable.js';
import { PASSWORD_FEEDBACK_JS } from './assets/passwordFeedback.js';
import { STYLE_CSS } from './assets/style.js';
import { registerCheckPage } from './check.js';
import { pagesErrorHandler, sendNotFoundPage } from './errors.js';
import { registerHome } from './home.js';
import { registerMailPages } from './mail.js';
import { registerPortalActivation } from './portalActivation.js';
import { registerPortalHome } from './portalHome.js';
import { registerPortalPassword } from './portalPassword.js';

/** Paths that answer JSON when nothing matches (the HTTP layer's prefixes). */
const JSON_PREFIXES = ['/api', '/portal/api', '/demo', '/healthz', '/readyz', '/metrics'];
const isJsonPath = (url: string): boolean => {
  const path = url.split('?', 1)[0] ?? '';
  return JSON_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
};
const acceptsHtml = (request: FastifyRequest): boolean => (request.headers.accept ?? '').includes('text/html');

const sendAsset = (reply: FastifyReply, type: string, body: string): FastifyReply =>
  reply.header('cache-control', 'public, max-age=300').type(type).send(body);

/** Anyone: the home page, the assets, the two login forms, activation links, /check. */
const registerPublicPages = (pages: FastifyInstance, app: HostApp): void => {
  pages.get('/assets/style.css', async (_request, reply) => sendAsset(reply, 'text/css; charset=utf-8', STYLE_CSS));
  pages.get('/assets/password-feedback.js', async (_request, reply) =>
    sendAsset(reply, 'text/javascript; charset=utf-8', PASSWORD_FEEDBACK_JS),
  );
  registerHome(pages, app);
  registerLogin(
    pages,
    app,
    portalSurface(app),
    { login: '/portal/login', logout: '/portal/logout' },
    {
      kind: 'form',
      home: '/portal',
      section: 'portal',
      title: 'Log in',
      heading: 'Log in to the portal',
      intro: 'Use the email and password your administrator gave you, or the one you set from your activation email.',
      welcome: (s) => `Welcome, ${s.principal.displayName}. You are logged in.`,
      goodbye: 'You are logged out.',
    },
  );
  registerLogin(
    pages,
    app,
    consoleSurface(app),
    { login: '/admin/login', logout: '/admin/logout' },
    {
      kind: 'form',
      home: '/admin',
      section: 'admin',
      title: 'Admin console log in',
      heading: 'Log in to the admin console',
      intro: "The admin account's password was printed once in the host's output at its first start.",
      welcome: () => 'You are logged in to the admin console.',
      goodbye: 'You are logged out of the admin console.',
    },
  );
  registerPortalActivation(pages, app);
  if (app.demo !== undefined) registerCheckPage(pages, app, app.demo);
};

/** The portal's session: its home and the password change. */
const registerPortalPages = (pages: FastifyInstance, app: HostApp): void => {
  registerPortalHome(pages, app);
  registerPortalPassword(pages, app);
};

/** The console's session: users, bulk actions and jobs, directories, pushes, the outbox. */
const registerConsolePages = (pages: FastifyInstance, app: HostApp): void => {
  registerAdminUserList(pages, app);
  registerAdminUserNew(pages, app);
  registerAdminUser(pages, app);
  registerAdminUserActions(pages, app);
  registerAdminRollout(pages, app);
  registerAdminUserTable(pages, app);
  registerAdminCsv(pages, app);
  registerAdminBulk(pages, app);
  registerAdminJobs(pages, app);
  registerAdminDirectories(pages, app);
  registerAdminPushes(pages, app);
  if (app.demo !== undefined) registerMailPages(pages, app, app.demo);
};

/** Registers every HTML route, the assets, `POST /portal/api/password-check`, and the root not-found handler (HTML for pages, JSON for the API). */
export const registerPages = async (server: FastifyInstance, app: HostApp): Promise<void> => {
  await server.register(async (pages) => {
    pages.setErrorHandler(pagesErrorHandler(app));
    await withAudience(pages, app, 'public', (scope) => registerPublicPages(scope, app));
    await withAudience(pages, app, 'portal-page', (scope) => registerPortalPages(scope, app));
    await withAudience(pages, app, 'admin-page', (scope) => registerConsolePages(scope, app));
  });

  // The live password feedback: JSON in and out, like the rest of /portal/api (the HTTP layer's error handler answers JSON).
  // Public: an activation token or the portal session says whose password it is.
  await withAudience(server, app, 'public', (api) => {
    api.addHook('onRequest', jsonOnly);
    api.post('/portal/api/password-check', { config: { rateLimit: { max: 300, timeWindow: 60_000 } } }, async (request, reply) => {
      const decoded = decodePasswordCheck(request.body ?? {});
      if (E.isLeft(decoded)) return sendProblem(reply, decoded.left);
      const { token, password } = decoded.right;
      let who: { readonly activationToken: string } | { readonly userId: PortalPrincipal['userId'] };
      if (token !== undefined) who = { activationToken: token };
      else {
        const principal = await portalUser(request, app);
        if (principal === undefined) return sendProblem(reply, { kind: 'unauthorized' });
        who = { userId: principal.userId };
      }
      const feedback = await app.portal.passwordFeedback(who, password);
      return E.isLeft(feedback) ? sendProblem(reply, feedback.left) : reply.header('cache-control', 'no-store').send(feedback.right);
    });
  });

  server.setNotFoundHandler((request, reply) => {
    if (isJsonPath(request.url) || !acceptsHtml(request)) return sendRouteNotFound(request, reply);
    return sendNotFoundPage(app, reply);
  });
};
