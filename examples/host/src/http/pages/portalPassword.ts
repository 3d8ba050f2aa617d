// The portal's change-password form (with the live feedback script as an enhancement).
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { HostApp, PasswordFeedback, PortalPrincipal } from '../../app/hostApp.js';
import { decodePasswordChange } from '../../app/inputs.js';
import { portalSessionOf } from '../cookies.js';
import { statusOf } from '../problem.js';
import { userOf } from '../sessions.js';
import { FEEDBACK_ID, FEEDBACK_SCRIPT, PasswordRules } from './feedback.js';
import type { VNode } from './html.js';
import { html } from './html.js';
import { csrfCheck, field, formOf, redirectWithFlash, retryAfter, said, sendPage } from './support.js';
import { Csrf, ErrorMessage, Field, Layout, UsernameHint } from './ui.js';

const passwordTargets = async (app: HostApp, principal: PortalPrincipal): Promise<ReadonlyArray<string>> => {
  const user = await app.admin.getUser(principal.userId);
  return [app.settings.platformName, ...(E.isRight(user) ? user.right.bindings.map((b) => b.label) : [])];
};

const passwordPage = (
  app: HostApp,
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

export const registerPortalPassword = (server: FastifyInstance, app: HostApp): void => {
  const csrf = csrfCheck(server);
  // ── Change password ────────────────────────────────────────────────────────────────────────
  server.get('/portal/password', async (request, reply) => {
    const principal = userOf(request);
    return sendPage(reply, passwordPage(app, reply, { email: principal.email, labels: await passwordTargets(app, principal) }));
  });

  server.post('/portal/password', { preHandler: csrf, config: server.authRateLimit }, async (request, reply) => {
    const principal = userOf(request);
    const form = formOf(request.body);
    const labels = await passwordTargets(app, principal);
    const decoded = decodePasswordChange({ current: field(form, 'current'), next: field(form, 'next') });
    if (E.isLeft(decoded)) {
      const problem = decoded.left;
      const which = problem.kind === 'invalid' && problem.field === 'current' ? 'current' : 'new';
      return sendPage(
        reply,
        passwordPage(app, reply, {
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
        passwordPage(app, reply, {
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
            passwordPage(app, reply, {
              email: principal.email,
              labels,
              error: 'Your password was not changed.',
              currentError: 'The current password is wrong.',
            }),
            401,
          )
        : sendPage(
            reply,
            passwordPage(app, reply, { email: principal.email, labels, error: `Your password was not changed: ${said(problem)}` }),
            statusOf(problem),
          );
    }
    return redirectWithFlash(reply, app, '/portal', 'Your password was changed. Each of your directories is being updated.');
  });
};
