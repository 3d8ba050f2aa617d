// The portal: log in, see the notifications of each push, activate an account from the mail's
// link, change the password, log out. Forms only (no client-side JS needed); the live password
// feedback is an enhancement through POST /portal/api/password-check.
import type {} from '@fastify/csrf-protection';
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HostApp, PasswordFeedback, PortalPrincipal, Problem } from '../../app/HostApp.js';
import { decodeActivation, decodeCredentials, decodePasswordChange } from '../../app/inputs.js';
import { clearPortalSession, deviceOf, portalSessionOf, setDevice, setPortalSession } from '../cookies.js';
import { reasonOf } from '../problem.js';
import { FEEDBACK_ID, PasswordRules } from './feedback.js';
import type { VNode } from './html.js';
import { html } from './html.js';
import {
  csrfCheck,
  field,
  formOf,
  portalPrincipal,
  queryParam,
  redirectWithFlash,
  retryAfter,
  said,
  sendPage,
  takeFlash,
} from './support.js';
import { ButtonForm, Csrf, ErrorMessage, Field, Layout, LoginForm, Time, UsernameHint } from './ui.js';

const FEEDBACK_SCRIPT = '/assets/password-feedback.js';

/** What a refused login, activation or password change says on the form. */
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

const statusFor = (problem: Problem): number =>
  ({ invalid: 400, unauthorized: 401, forbidden: 403, 'not-found': 404, conflict: 409, rejected: 422, throttled: 429, unavailable: 503 })[
    problem.kind
  ];

export const registerPortalPages = (server: FastifyInstance, app: HostApp): void => {
  const csrf = csrfCheck(server);
  const requireUser = async (request: FastifyRequest, reply: FastifyReply): Promise<PortalPrincipal | undefined> => {
    const principal = await portalPrincipal(request, app);
    if (principal === undefined)
      void redirectWithFlash(
        reply,
        app,
        '/portal/login',
        portalSessionOf(request) === undefined ? undefined : 'Your session ended. Log in again.',
      );
    return principal;
  };

  // ── Log in ──────────────────────────────────────────────────────────────────────────────────
  const loginPage = (
    reply: FastifyReply,
    props: { readonly email?: string; readonly error?: string; readonly flash?: string | undefined },
  ): VNode =>
    Layout({
      app,
      title: 'Log in',
      section: 'portal',
      flash: props.flash,
      children: html`<h1>Log in to the portal</h1>
        <p>Use the email and password your administrator gave you, or the one you set from your activation email.</p>
        ${LoginForm({ action: '/portal/login', csrfToken: reply.generateCsrf(), email: props.email, error: props.error })}`,
    });

  server.get('/portal/login', async (request, reply) => {
    if ((await portalPrincipal(request, app)) !== undefined) return reply.redirect('/portal', 303);
    return sendPage(reply, loginPage(reply, { flash: takeFlash(request, reply, app) }));
  });

  server.post('/portal/login', { preHandler: csrf, config: server.authRateLimit }, async (request, reply) => {
    const form = formOf(request.body);
    const email = field(form, 'email');
    const decoded = decodeCredentials({ email, password: field(form, 'password') });
    if (E.isLeft(decoded)) return sendPage(reply, loginPage(reply, { email, error: loginError(decoded.left) }), 400);
    const outcome = await app.portal.login(decoded.right.email, decoded.right.password, request.ip, deviceOf(request, 'portal'));
    if (E.isLeft(outcome)) {
      retryAfter(reply, outcome.left);
      return sendPage(reply, loginPage(reply, { email, error: loginError(outcome.left) }), statusFor(outcome.left));
    }
    setPortalSession(reply, app, outcome.right.sessionToken);
    setDevice(reply, app, 'portal', outcome.right.device);
    return redirectWithFlash(reply, app, '/portal', `Welcome, ${outcome.right.principal.displayName}. You are logged in.`);
  });

  server.post('/portal/logout', { preHandler: csrf }, async (request, reply) => {
    const token = portalSessionOf(request);
    if (token !== undefined) await app.portal.logout(token);
    clearPortalSession(reply, app);
    return redirectWithFlash(reply, app, '/portal/login', 'You are logged out.');
  });

  // ── Home: the notifications ────────────────────────────────────────────────────────────────
  server.get('/portal', async (request, reply) => {
    const principal = await requireUser(request, reply);
    if (principal === undefined) return reply;
    const view = await app.portal.notifications(principal.userId);
    const updating = view.updating.length > 0;
    return sendPage(
      reply,
      Layout({
        app,
        title: 'Your account',
        section: 'portal',
        flash: takeFlash(request, reply, app),
        ...(updating ? { refreshSeconds: 2 } : {}),
        children: html`<h1>Hello, ${principal.displayName}</h1>
        <p>You are logged in as <strong>${principal.email}</strong>.</p>
        <h2>Updating</h2>
        <div role="status" class="updating">
          ${
            updating
              ? html`<ul>${view.updating.map((u) => html`<li>Updating… ${u.label}</li>`)}</ul><p class="hint">This page reloads by itself until every directory is up to date.</p>`
              : html`<p>Nothing is being updated right now.</p>`
          }
        </div>
        <h2>Notifications</h2>
        ${
          view.items.length === 0
            ? html`<p>No notifications yet.</p>`
            : html`<ul class="notifications">${view.items.map((n) => html`<li>${n.message} ${Time({ at: n.at })}</li>`)}</ul>`
        }
        <h2>Your password</h2>
        <p><a href="/portal/password">Change your password</a></p>
        ${ButtonForm({ action: '/portal/logout', csrf: reply.generateCsrf(), label: 'Log out', className: 'secondary' })}`,
      }),
    );
  });

  // ── Activation (the link in the activation email) ─────────────────────────────────────────
  const activationPage = (
    reply: FastifyReply,
    props: {
      readonly token: string;
      readonly email: string;
      readonly labels: ReadonlyArray<string>;
      readonly error?: string;
      readonly feedback?: PasswordFeedback | undefined;
    },
  ): VNode =>
    Layout({
      app,
      title: 'Set your password',
      section: 'portal',
      scripts: [FEEDBACK_SCRIPT],
      children: html`<h1>Set your password</h1>
        <p>Choose the password for <strong>${props.email}</strong>. It will also become your password in each directory listed below.</p>
        <form method="post" action="/portal/activate" data-password-check="activation" novalidate>
          ${Csrf({ token: reply.generateCsrf() })}
          <input type="hidden" name="token" value=${props.token} />
          ${UsernameHint({ email: props.email })}
          ${ErrorMessage({ id: 'activate-error', message: props.error })}
          ${Field({
            id: 'password',
            name: 'password',
            label: 'New password',
            type: 'password',
            autocomplete: 'new-password',
            required: true,
            describedBy: ['password-rules', FEEDBACK_ID, ...(props.error === undefined ? [] : ['activate-error'])],
            extra: { 'data-password-input': '' },
          })}
          ${PasswordRules({ labels: props.labels, feedback: props.feedback })}
          <button type="submit">Set password</button>
        </form>`,
    });

  const activationTargets = (directories: ReadonlyArray<{ readonly label: string }>): ReadonlyArray<string> => [
    app.settings.platformName,
    ...directories.map((d) => d.label),
  ];

  const goneActivation = (reply: FastifyReply, problem: Problem): FastifyReply =>
    sendPage(
      reply,
      Layout({
        app,
        title: 'Activation link not valid',
        section: 'portal',
        children: html`<h1>This activation link is not valid</h1>
        <p role="alert">${problem.kind === 'not-found' ? 'The link is unknown, was already used, or has expired.' : reasonOf(problem)}</p>
        <p>Ask your administrator for a new one, or <a href="/portal/login">log in</a> if you already set your password.</p>`,
      }),
      statusFor(problem),
    );

  server.get('/portal/activate', async (request, reply) => {
    const token = queryParam(request, 'token');
    const activation =
      token === '' ? E.left<Problem>({ kind: 'not-found', what: 'activation', id: 'token' }) : await app.portal.activation(token);
    if (E.isLeft(activation)) return goneActivation(reply, activation.left);
    return sendPage(
      reply,
      activationPage(reply, { token, email: activation.right.email, labels: activationTargets(activation.right.directories) }),
    );
  });

  // No per-address route limit (see /portal/api/activate): bad links cost an HMAC and are throttled in the service.
  server.post('/portal/activate', { preHandler: csrf }, async (request, reply) => {
    const form = formOf(request.body);
    const token = field(form, 'token');
    const activation =
      token === '' ? E.left<Problem>({ kind: 'not-found', what: 'activation', id: 'token' }) : await app.portal.activation(token);
    if (E.isLeft(activation)) return goneActivation(reply, activation.left);
    const page = (status: number, error: string, feedback?: PasswordFeedback) =>
      sendPage(
        reply,
        activationPage(reply, {
          token,
          email: activation.right.email,
          labels: activationTargets(activation.right.directories),
          error,
          feedback,
        }),
        status,
      );
    const decoded = decodeActivation({ token, password: field(form, 'password') });
    if (E.isLeft(decoded)) return page(400, `The new password ${decoded.left.kind === 'invalid' ? decoded.left.reason : 'is not valid'}.`);
    const checked = await app.portal.passwordFeedback({ activationToken: token }, decoded.right.password);
    if (E.isRight(checked) && !checked.right.ok)
      return page(422, 'This password does not meet every rule below. Choose another one.', checked.right);
    const outcome = await app.portal.activate(token, decoded.right.password, request.ip);
    if (E.isLeft(outcome)) {
      retryAfter(reply, outcome.left);
      return page(
        statusFor(outcome.left),
        `Your password was not set: ${said(outcome.left)}`,
        E.isRight(checked) ? checked.right : undefined,
      );
    }
    return redirectWithFlash(reply, app, '/portal/login', 'Your password is set. Log in with your email and the new password.');
  });

  // ── Change password ────────────────────────────────────────────────────────────────────────
  const passwordTargets = async (principal: PortalPrincipal): Promise<ReadonlyArray<string>> => {
    const user = await app.admin.getUser(principal.userId);
    return [app.settings.platformName, ...(E.isRight(user) ? user.right.bindings.map((b) => b.label) : [])];
  };

  const passwordPage = (
    reply: FastifyReply,
    props: {
      readonly email: string;
      readonly labels: ReadonlyArray<string>;
      readonly error?: string;
      readonly currentError?: string;
      readonly feedback?: PasswordFeedback | undefined;
    },
  ): VNode =>
    Layout({
      app,
      title: 'Change your password',
      section: 'portal',
      scripts: [FEEDBACK_SCRIPT],
      children: html`<h1>Change your password</h1>
        <form method="post" action="/portal/password" data-password-check="change" novalidate>
          ${Csrf({ token: reply.generateCsrf() })}
          ${UsernameHint({ email: props.email })}
          ${ErrorMessage({ id: 'password-error', message: props.error })}
          ${Field({ id: 'current', name: 'current', label: 'Current password', type: 'password', autocomplete: 'current-password', required: true, error: props.currentError })}
          ${Field({
            id: 'next',
            name: 'next',
            label: 'New password',
            type: 'password',
            autocomplete: 'new-password',
            required: true,
            describedBy: ['password-rules', FEEDBACK_ID, ...(props.error === undefined ? [] : ['password-error'])],
            extra: { 'data-password-input': '' },
          })}
          ${PasswordRules({ labels: props.labels, feedback: props.feedback })}
          <button type="submit">Change password</button>
        </form>
        <p><a href="/portal">Back to your account</a></p>`,
    });

  server.get('/portal/password', async (request, reply) => {
    const principal = await requireUser(request, reply);
    if (principal === undefined) return reply;
    return sendPage(reply, passwordPage(reply, { email: principal.email, labels: await passwordTargets(principal) }));
  });

  server.post('/portal/password', { preHandler: csrf, config: server.authRateLimit }, async (request, reply) => {
    const principal = await requireUser(request, reply);
    if (principal === undefined) return reply;
    const form = formOf(request.body);
    const labels = await passwordTargets(principal);
    const decoded = decodePasswordChange({ current: field(form, 'current'), next: field(form, 'next') });
    if (E.isLeft(decoded)) {
      const problem = decoded.left;
      const which = problem.kind === 'invalid' && problem.field === 'current' ? 'current' : 'new';
      return sendPage(
        reply,
        passwordPage(reply, {
          email: principal.email,
          labels,
          error: `The ${which} password ${problem.kind === 'invalid' ? problem.reason : 'is not valid'}.`,
        }),
        400,
      );
    }
    const checked = await app.portal.passwordFeedback({ userId: principal.userId }, decoded.right.next);
    if (E.isRight(checked) && !checked.right.ok) {
      return sendPage(
        reply,
        passwordPage(reply, {
          email: principal.email,
          labels,
          error: 'The new password does not meet every rule below. Choose another one.',
          feedback: checked.right,
        }),
        422,
      );
    }
    const outcome = await app.portal.changePassword(
      principal.userId,
      decoded.right.current,
      decoded.right.next,
      request.ip,
      portalSessionOf(request),
    );
    if (E.isLeft(outcome)) {
      retryAfter(reply, outcome.left);
      const problem = outcome.left;
      return problem.kind === 'unauthorized'
        ? sendPage(
            reply,
            passwordPage(reply, {
              email: principal.email,
              labels,
              error: 'Your password was not changed.',
              currentError: 'The current password is wrong.',
            }),
            401,
          )
        : sendPage(
            reply,
            passwordPage(reply, {
              email: principal.email,
              labels,
              error: `Your password was not changed: ${said(problem)}`,
              feedback: E.isRight(checked) ? checked.right : undefined,
            }),
            statusFor(problem),
          );
    }
    return redirectWithFlash(reply, app, '/portal', 'Your password was changed. Each of your directories is being updated.');
  });
};
