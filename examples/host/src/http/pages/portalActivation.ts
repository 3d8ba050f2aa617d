// Activation: the link in the activation email opens the form that sets the first password.
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { HostApp, PasswordFeedback, Problem } from '../../app/hostApp.js';
import { decodeActivation } from '../../app/inputs.js';
import { reasonOf, statusOf } from '../problem.js';
import { FEEDBACK_ID, FEEDBACK_SCRIPT, PasswordRules } from './feedback.js';
import type { VNode } from './html.js';
import { html } from './html.js';
import { csrfCheck, field, formOf, queryParam, redirectWithFlash, retryAfter, said, sendPage } from './support.js';
import { Csrf, ErrorMessage, Field, Layout, UsernameHint } from './ui.js';

const activationPage = (
  app: HostApp,
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

const activationTargets = (app: HostApp, directories: ReadonlyArray<{ readonly label: string }>): ReadonlyArray<string> => [
  app.settings.platformName,
  ...directories.map((d) => d.label),
];

const goneActivation = (app: HostApp, reply: FastifyReply, problem: Problem): FastifyReply =>
  sendPage(
    reply,
    Layout({
      app,
      title: 'Activation link not valid',
      section: 'portal',
      children: html`<h1>This activation link is not valid</h1>
      <p role="alert">${problem.kind === 'not-found' ? 'This activation link was already used, has expired, or was replaced by a newer one. If you already chose your password, log in. If not, ask your administrator to send you a new activation link (the console has a button for it), and use the newest email.' : reasonOf(problem)}</p>
      ${
        // The alert already says what to do for a link that no longer works: only the way to log in follows it.
        problem.kind === 'not-found'
          ? html`<p><a href="/portal/login">Log in</a></p>`
          : html`<p>Try the link again later. If it still does not work, ask your administrator for a new one, or <a href="/portal/login">log in</a> if you already set your password.</p>`
      }`,
    }),
    statusOf(problem),
  );

export const registerPortalActivation = (server: FastifyInstance, app: HostApp): void => {
  const csrf = csrfCheck(server);
  // ── Activation (the link in the activation email) ─────────────────────────────────────────
  server.get('/portal/activate', async (request, reply) => {
    const token = queryParam(request, 'token');
    const activation =
      token === '' ? E.left<Problem>({ kind: 'not-found', what: 'activation', id: 'token' }) : await app.portal.activation(token);
    if (E.isLeft(activation)) return goneActivation(app, reply, activation.left);
    return sendPage(
      reply,
      activationPage(app, reply, { token, email: activation.right.email, labels: activationTargets(app, activation.right.directories) }),
    );
  });

  // No per-address route limit (see /portal/api/activate): bad links cost an HMAC and are throttled in the service.
  server.post('/portal/activate', { preHandler: csrf }, async (request, reply) => {
    const form = formOf(request.body);
    const token = field(form, 'token');
    const activation =
      token === '' ? E.left<Problem>({ kind: 'not-found', what: 'activation', id: 'token' }) : await app.portal.activation(token);
    if (E.isLeft(activation)) return goneActivation(app, reply, activation.left);
    const page = (status: number, error: string, feedback?: PasswordFeedback) =>
      sendPage(
        reply,
        activationPage(app, reply, {
          token,
          email: activation.right.email,
          labels: activationTargets(app, activation.right.directories),
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
      // No "meets every rule" next to a refusal: the verdict shown is the refusal (issue 14).
      return page(statusOf(outcome.left), `Your password was not set: ${said(outcome.left)}`);
    }
    return redirectWithFlash(reply, app, '/portal/login', 'Your password is set. Log in with your email and the new password.');
  });
};
