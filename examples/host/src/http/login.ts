// The one login route factory: the console's and the portal's login forms, `POST /api/session`
// and `POST /portal/api/login` (and their logouts) are all built here. The per-address route limit
// is applied here once (`server.authRateLimit`); the per-account and per-address throttles and the
// lockout are the services' (`app.admin.login`, `app.portal.login`, src/db/throttle.ts).
import type {} from '@fastify/csrf-protection';
import type { Secret } from '@takeover/core';
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HostApp, PortalPrincipal, Problem } from '../app/hostApp.js';
import { decodeCredentials } from '../app/inputs.js';
import { decodeOrThrow, respond } from './api/common.js';
import {
  adminSessionOf,
  clearAdminSession,
  clearPortalSession,
  deviceOf,
  portalSessionOf,
  setAdminSession,
  setDevice,
  setPortalSession,
} from './cookies.js';
import { html } from './pages/html.js';
import { csrfCheck, field, formOf, redirectWithFlash, said, sendPage, takeFlash } from './pages/support.js';
import { Layout, LoginForm } from './pages/ui.js';
import { retryAfter, statusOf } from './problem.js';
import { apiAdmin, bearerTokenOf, consoleAdmin, portalUser, type Audience } from './sessions.js';

/** One place a person logs in: the service that checks, where the session is kept, how it ends. */
export interface LoginSurface<S> {
  /** Whose device cookie a successful login hands out. */
  readonly who: 'admin' | 'portal';
  readonly login: (
    email: string,
    password: Secret,
    address: string,
    device?: string,
  ) => Promise<E.Either<Problem, S & { readonly device: string }>>;
  /** Whether the request already has a valid session of this surface. */
  readonly loggedIn: (request: FastifyRequest) => Promise<boolean>;
  /** The session token a logout ends. */
  readonly tokenOf: (request: FastifyRequest) => string | undefined;
  readonly logout: (token: string) => Promise<void>;
  /** Keeps the session in the browser (a cookie); nothing for a bearer token. */
  readonly keep: (reply: FastifyReply, session: S) => void;
  readonly forget: (reply: FastifyReply) => void;
}

type AdminSession = { readonly token: string; readonly expiresAt: string };
type PortalSession = { readonly sessionToken: string; readonly principal: PortalPrincipal };

/** The console: its cookie expires with the token. */
export const consoleSurface = (app: HostApp): LoginSurface<AdminSession> => ({
  who: 'admin',
  login: app.admin.login,
  loggedIn: async (request) => (await consoleAdmin(request, app)) !== undefined,
  tokenOf: adminSessionOf,
  logout: app.admin.logout,
  keep: (reply, s) => void setAdminSession(reply, app, s.token, s.expiresAt),
  forget: (reply) => void clearAdminSession(reply, app),
});

/** The admin API: scripts keep the bearer token (a browser also keeps the device cookie). */
export const adminApiSurface = (app: HostApp): LoginSurface<AdminSession> => ({
  who: 'admin',
  login: app.admin.login,
  loggedIn: async (request) => (await apiAdmin(request, app)) !== undefined,
  tokenOf: bearerTokenOf,
  logout: app.admin.logout,
  keep: () => undefined,
  forget: () => undefined,
});

/** The portal (pages and API): a browser-session cookie. */
export const portalSurface = (app: HostApp): LoginSurface<PortalSession> => ({
  who: 'portal',
  login: app.portal.login,
  loggedIn: async (request) => (await portalUser(request, app)) !== undefined,
  tokenOf: portalSessionOf,
  logout: app.portal.logout,
  keep: (reply, s) => void setPortalSession(reply, app, s.sessionToken),
  forget: (reply) => void clearPortalSession(reply, app),
});

/** How the routes answer: JSON for scripts, or a form page for browsers. */
export type LoginAnswer<S> =
  | {
      readonly kind: 'json';
      /** The 200 body of a successful login. */
      readonly body: (session: S) => unknown;
      readonly logout: { readonly method: 'DELETE' | 'POST'; readonly audience: Audience };
    }
  | {
      readonly kind: 'form';
      /** Where a logged-in browser goes; the log-out form posts to `${path}` with `/logout` for `/login`. */
      readonly home: string;
      readonly section: 'admin' | 'portal';
      readonly title: string;
      readonly heading: string;
      readonly intro: string;
      readonly welcome: (session: S) => string;
      readonly goodbye: string;
    };

/** What a refused login says on the form. */
const loginError = (problem: Problem): string => {
  switch (problem.kind) {
    case 'unauthorized':
      return 'Wrong email or password.';
    case 'forbidden':
      return said(problem);
    case 'throttled':
      return `Too many attempts. Try again in ${String(problem.retryAfterSeconds)} seconds.`;
    case 'invalid':
      return `The ${problem.field === 'email' ? 'email' : 'password'} ${problem.reason}.`;
    case 'not-found':
    case 'conflict':
    case 'rejected':
    case 'unavailable':
      return `You cannot log in right now: ${said(problem)}`;
  }
};

/** The login itself, the same for every surface: checked credentials, the service's login, the device cookie, the session kept. */
const attempt = async <S>(
  app: HostApp,
  surface: LoginSurface<S>,
  request: FastifyRequest,
  reply: FastifyReply,
  credentials: { readonly email: string; readonly password: Secret },
): Promise<E.Either<Problem, S>> => {
  const outcome = await surface.login(credentials.email, credentials.password, request.ip, deviceOf(request, surface.who));
  if (E.isRight(outcome)) {
    setDevice(reply, app, surface.who, outcome.right.device);
    surface.keep(reply, outcome.right);
  }
  return outcome;
};

/**
 * Registers `POST ${loginPath}` and its logout (`${logoutPath}`) for one surface; a form surface
 * also gets `GET ${loginPath}` (the form, or a redirect home when already logged in). The login is
 * public and under the per-address limit; forms check CSRF.
 */
export const registerLogin = <S>(
  scope: FastifyInstance,
  app: HostApp,
  surface: LoginSurface<S>,
  paths: { readonly login: string; readonly logout: string },
  answer: LoginAnswer<S>,
): void => {
  const loginConfig = { ...scope.authRateLimit, audience: 'public' as const };
  if (answer.kind === 'json') {
    scope.post(paths.login, { config: loginConfig }, async (request, reply) => {
      const credentials = decodeOrThrow(decodeCredentials, request.body);
      const outcome = await attempt(app, surface, request, reply, credentials);
      return E.isLeft(outcome) ? respond(reply, outcome) : reply.send(answer.body(outcome.right));
    });
    scope.route({
      method: answer.logout.method,
      url: paths.logout,
      config: { bodyless: true, audience: answer.logout.audience },
      handler: async (request, reply) => {
        const token = surface.tokenOf(request);
        if (token !== undefined) await surface.logout(token);
        surface.forget(reply);
        return reply.code(204).send();
      },
    });
    return;
  }

  const csrf = csrfCheck(scope);
  const loginPage = (
    reply: FastifyReply,
    props: { readonly email?: string; readonly error?: string; readonly flash?: string | undefined },
  ) =>
    Layout({
      app,
      title: answer.title,
      section: answer.section,
      flash: props.flash,
      children: html`<h1>${answer.heading}</h1>
        <p>${answer.intro}</p>
        ${LoginForm({ action: paths.login, csrfToken: reply.generateCsrf(), email: props.email, error: props.error })}`,
    });

  scope.get(paths.login, { config: { audience: 'public' } }, async (request, reply) => {
    if (await surface.loggedIn(request)) return reply.redirect(answer.home, 303);
    return sendPage(reply, loginPage(reply, { flash: takeFlash(request, reply, app) }));
  });

  scope.post(paths.login, { preHandler: csrf, config: loginConfig }, async (request, reply) => {
    const form = formOf(request.body);
    const email = field(form, 'email');
    const decoded = decodeCredentials({ email, password: field(form, 'password') });
    if (E.isLeft(decoded)) return sendPage(reply, loginPage(reply, { email, error: loginError(decoded.left) }), 400);
    const outcome = await attempt(app, surface, request, reply, decoded.right);
    if (E.isLeft(outcome)) {
      retryAfter(reply, outcome.left);
      return sendPage(reply, loginPage(reply, { email, error: loginError(outcome.left) }), statusOf(outcome.left));
    }
    return redirectWithFlash(reply, app, answer.home, answer.welcome(outcome.right));
  });

  scope.post(paths.logout, { preHandler: csrf, config: { audience: 'public' } }, async (request, reply) => {
    const token = surface.tokenOf(request);
    if (token !== undefined) await surface.logout(token);
    surface.forget(reply);
    return redirectWithFlash(reply, app, paths.login, answer.goodbye);
  });
};
