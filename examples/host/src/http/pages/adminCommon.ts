// The admin console's shared pieces: who is logged in (cookie `takeover_admin`, checked with
// `app.admin.authenticate`), the login/logout routes, and the words for a sync state.
import type {} from '@fastify/csrf-protection';
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdminPrincipal, HostApp, Problem } from '../../app/HostApp.js';
import { decodeCredentials } from '../../app/inputs.js';
import { adminSessionOf, clearAdminSession, deviceOf, setAdminSession, setDevice } from '../cookies.js';
import type { Markup, VNode } from './html.js';
import { html } from './html.js';
import { adminPrincipal, csrfCheck, field, formOf, redirectWithFlash, retryAfter, said, sendPage, takeFlash } from './support.js';
import { ButtonForm, Layout, LoginForm } from './ui.js';

export const problemStatus = (problem: Problem): number =>
  ({ invalid: 400, unauthorized: 401, forbidden: 403, 'not-found': 404, conflict: 409, rejected: 422, throttled: 429, unavailable: 503 })[
    problem.kind
  ];

/** The logged-in admin, or a 303 to the console's login (the caller returns `reply`). */
export const requireAdmin = async (request: FastifyRequest, reply: FastifyReply, app: HostApp): Promise<AdminPrincipal | undefined> => {
  const principal = await adminPrincipal(request, app);
  if (principal === undefined)
    void redirectWithFlash(
      reply,
      app,
      '/admin/login',
      adminSessionOf(request) === undefined ? undefined : 'Your console session ended. Log in again.',
    );
  return principal;
};

/** A console page: the layout with the console's sub-navigation and a log-out button. */
export const ConsolePage = ({
  app,
  reply,
  title,
  flash,
  children,
}: {
  readonly app: HostApp;
  readonly reply: FastifyReply;
  readonly title: string;
  readonly flash?: string | undefined;
  readonly children: Markup;
}): VNode =>
  Layout({
    app,
    title,
    section: 'admin',
    flash,
    children: html`<nav aria-label="Console" class="console-nav">
        <a href="/admin">Users</a> · <a href="/admin/users/new">New user</a> · <a href="/admin/directories">Directories</a>
        ${ButtonForm({ action: '/admin/logout', csrf: reply.generateCsrf(), label: 'Log out of the console', className: 'secondary' })}
      </nav>
      ${children}`,
  });

/** A console page for a problem (unknown user, push, directory…). */
export const sendConsoleProblem = (app: HostApp, reply: FastifyReply, problem: Problem, title = 'Not found'): FastifyReply => {
  retryAfter(reply, problem);
  return sendPage(
    reply,
    ConsolePage({
      app,
      reply,
      title,
      children: html`<h1>${title}</h1><p role="alert">${said(problem)}</p><p><a href="/admin">Back to the users</a></p>`,
    }),
    problemStatus(problem),
  );
};

const loginError = (problem: Problem): string =>
  problem.kind === 'unauthorized'
    ? 'Wrong email or password.'
    : problem.kind === 'throttled'
      ? `Too many attempts. Try again in ${String(problem.retryAfterSeconds)} seconds.`
      : problem.kind === 'invalid'
        ? `The ${problem.field === 'email' ? 'email' : 'password'} ${problem.reason}.`
        : `You cannot log in: ${said(problem)}`;

export const registerAdminSession = (server: FastifyInstance, app: HostApp): void => {
  const csrf = csrfCheck(server);
  const loginPage = (
    reply: FastifyReply,
    props: { readonly email?: string; readonly error?: string; readonly flash?: string | undefined },
  ): VNode =>
    Layout({
      app,
      title: 'Admin console log in',
      section: 'admin',
      flash: props.flash,
      children: html`<h1>Log in to the admin console</h1>
        <p>The admin account's password was printed once in the host's output at its first start.</p>
        ${LoginForm({ action: '/admin/login', csrfToken: reply.generateCsrf(), email: props.email, error: props.error })}`,
    });

  server.get('/admin/login', async (request, reply) => {
    if ((await adminPrincipal(request, app)) !== undefined) return reply.redirect('/admin', 303);
    return sendPage(reply, loginPage(reply, { flash: takeFlash(request, reply, app) }));
  });

  server.post('/admin/login', { preHandler: csrf, config: server.authRateLimit }, async (request, reply) => {
    const form = formOf(request.body);
    const email = field(form, 'email');
    const decoded = decodeCredentials({ email, password: field(form, 'password') });
    if (E.isLeft(decoded)) return sendPage(reply, loginPage(reply, { email, error: loginError(decoded.left) }), 400);
    const outcome = await app.admin.login(decoded.right.email, decoded.right.password, request.ip, deviceOf(request, 'admin'));
    if (E.isLeft(outcome)) {
      retryAfter(reply, outcome.left);
      return sendPage(reply, loginPage(reply, { email, error: loginError(outcome.left) }), problemStatus(outcome.left));
    }
    setAdminSession(reply, app, outcome.right.token, outcome.right.expiresAt);
    setDevice(reply, app, 'admin', outcome.right.device);
    return redirectWithFlash(reply, app, '/admin', 'You are logged in to the admin console.');
  });

  server.post('/admin/logout', { preHandler: csrf }, async (request, reply) => {
    const token = adminSessionOf(request);
    if (token !== undefined) await app.admin.logout(token);
    clearAdminSession(reply, app);
    return redirectWithFlash(reply, app, '/admin/login', 'You are logged out of the admin console.');
  });
};

/** The core's sync state in words (UserView.bindings[].state). */
export const syncStateText = (state: string): string => {
  switch (state) {
    case 'in-sync':
      return 'In sync';
    case 'owed':
      return 'Owed';
    case 'awaiting-login':
      return 'Owed (waits for the next login)';
    case 'in-flight':
      return 'In flight';
    case 'failed':
      return 'Failed (will be retried)';
    case 'blocked':
      return 'Failed (waits for the next change)';
    case 'paused':
      return 'Paused';
    case 'resolving':
      return 'Finding the account';
    case 'unresolved':
      return 'Account not found';
    default:
      return state;
  }
};
