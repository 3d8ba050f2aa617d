// One user's console page (attributes, state, bindings with their per-directory status, pushes with
// their "why", the audit log, logins) and its attribute form.
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AttributeChanges, HostApp, Problem, UserView } from '../../app/hostApp.js';
import { decodeAttributeChanges } from '../../app/inputs.js';
import { reasonOf, statusOf } from '../problem.js';
import { adminOf } from '../sessions.js';
import { ConsolePage, sendConsoleProblem, syncStateText } from './adminCommon.js';
import { ATTRIBUTES, attributeFields, errorsOf, type AttributeName } from './adminUserFields.js';
import type { VNode } from './html.js';
import { html } from './html.js';
import { passwordStatusWords, pushReasonWords, pushWhatWords } from '../../app/words.js';
import { dateWords } from '@takeover/engine';
import type { Form } from './support.js';
import { csrfCheck, field, formOf, param, redirectWithFlash, sendPage, takeFlash } from './support.js';
import { ButtonForm, Csrf, ErrorMessage, Hidden, Time } from './ui.js';

const userPage = async (
  app: HostApp,
  reply: FastifyReply,
  user: UserView,
  props: { readonly flash?: string | undefined; readonly form?: Form; readonly problem?: Problem },
): Promise<VNode> => {
  const [audit, directories] = await Promise.all([app.admin.audit(user.id), app.admin.directories()]);
  const csrf = reply.generateCsrf();
  const base = `/admin/users/${encodeURIComponent(user.id)}`;
  const errors = errorsOf(props.problem);
  const current = (name: AttributeName): string | undefined =>
    props.form !== undefined ? field(props.form, name) : (user.attributes as Readonly<Partial<Record<AttributeName, string>>>)[name];
  const bound = new Map(user.bindings.map((b) => [b.directoryId as string, b]));
  const labelOf = (id: string | undefined): string => (id === undefined ? '—' : (directories.find((d) => d.id === id)?.label ?? id));
  const stateButtons = (
    [
      ['active', 'Activate'],
      ['suspended', 'Suspend'],
      ['staged', 'Stage'],
    ] as const
  ).filter(([s]) => s !== user.state);
  return ConsolePage({
    app,
    reply,
    title: user.displayName,
    flash: props.flash,
    children: html`<h1>${user.displayName}</h1>
      <dl class="facts">
        <dt>Email</dt><dd>${user.email}</dd>
        <dt>State</dt><dd>${user.state}</dd>
        <dt>Password</dt><dd>${passwordStatusWords(user.passwordStatus)}</dd>
        <dt>Created</dt><dd>${Time({ at: user.createdAt })}</dd>
        <dt>User id</dt><dd><code>${user.id}</code></dd>
      </dl>

      <h2 id="state-heading">State</h2>
      <p>This user is <strong>${user.state}</strong>.</p>
      ${stateButtons.map(([state, label]) => ButtonForm({ action: `${base}/state`, csrf, label, values: { state } }))}
      ${
        user.passwordStatus === 'pending' && user.state === 'active'
          ? html`<h2 id="activation-heading">Activation</h2>
        <p>${user.email} has not chosen a password yet. A new activation link replaces the one sent before (that one stops working).</p>
        ${ButtonForm({ action: `${base}/activation-mail`, csrf, label: 'Send a new activation link' })}`
          : null
      }

      <h2 id="directories-heading">Directories</h2>
      <table aria-labelledby="directories-heading">
        <thead><tr><th scope="col">Directory</th><th scope="col">Status</th><th scope="col">Last synchronised</th><th scope="col">Last failure</th><th scope="col">Binding</th></tr></thead>
        <tbody>
          ${directories.map((d) => {
            const b = bound.get(d.id);
            return html`<tr>
              <th scope="row">${d.label}</th>
              <td class=${b === undefined ? undefined : `state-${b.state}`}>${b === undefined ? 'Not bound' : syncStateText(b.state)}${b?.unresolved === undefined ? null : html`<br />${b.unresolved.detail}`}</td>
              <td>${b === undefined ? '—' : Time({ at: b.lastSuccessAt })}</td>
              <td>${b?.lastFailure === undefined ? '—' : html`${b.lastFailure.reason ?? b.lastFailure.class}: ${b.lastFailure.message} (${b.lastFailure.code}) ${Time({ at: b.lastFailure.at })}`}</td>
              <td>${
                b === undefined
                  ? ButtonForm({
                      action: `${base}/bind`,
                      csrf,
                      label: html`Bind${Hidden({ children: ` ${d.label}` })}`,
                      values: { directoryId: d.id },
                    })
                  : ButtonForm({
                      action: `${base}/unbind`,
                      csrf,
                      label: html`Unbind${Hidden({ children: ` ${d.label}` })}`,
                      values: { directoryId: d.id },
                      className: 'secondary',
                    })
              }</td>
            </tr>`;
          })}
        </tbody>
      </table>

      <h2 id="attributes-heading">Attributes</h2>
      <form method="post" action=${`${base}/attributes`} aria-labelledby="attributes-heading" novalidate>
        ${Csrf({ token: csrf })}
        ${ErrorMessage({ id: 'attributes-error', message: errors.form })}
        ${attributeFields(current, errors.field)}
        <button type="submit">Save</button>
      </form>

      <h2 id="pushes-heading">Pushes</h2>
      ${
        E.isLeft(audit)
          ? html`<p role="alert">${reasonOf(audit.left)}</p>`
          : audit.right.pushes.length === 0
            ? html`<p>No pushes yet.</p>`
            : html`<table aria-labelledby="pushes-heading">
        <thead><tr><th scope="col">Started</th><th scope="col">Directory</th><th scope="col">What</th><th scope="col">Outcome</th><th scope="col">Why</th></tr></thead>
        <tbody>
          ${audit.right.pushes.map(
            (p) => html`<tr>
            <td>${Time({ at: p.startedAt })}</td>
            <td>${labelOf(p.push.directoryId)}</td>
            <td>${pushWhatWords(p.push)}, because ${pushReasonWords(p.push.reason)}</td>
            <td>${p.outcome === undefined ? 'in flight or not started' : p.outcome.status === 'succeeded' ? html`succeeded ${Time({ at: p.outcome.at })}` : html`failed: ${p.outcome.failure.message} ${Time({ at: p.outcome.at })}`}</td>
            <td><a href=${`/admin/pushes/${encodeURIComponent(p.push.pushId)}`}>Why${Hidden({ children: ` (update of ${labelOf(p.push.directoryId)} started ${p.startedAt === undefined ? 'not yet' : dateWords(p.startedAt)})` })}</a></td>
          </tr>`,
          )}
        </tbody>
      </table>`
      }

      <h2 id="audit-heading">Audit log</h2>
      ${
        E.isLeft(audit)
          ? null
          : audit.right.entries.length === 0
            ? html`<p>Nothing recorded yet.</p>`
            : html`<table aria-labelledby="audit-heading">
        <thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">By</th><th scope="col">Directory</th></tr></thead>
        <tbody>${[...audit.right.entries].reverse().map((e) => html`<tr><td>${Time({ at: e.at })}</td><td>${e.summary}</td><td>${e.by ?? '—'}</td><td>${labelOf(e.directoryId)}</td></tr>`)}</tbody>
      </table>`
      }

      <h2 id="logins-heading">Logins</h2>
      ${
        E.isLeft(audit)
          ? null
          : audit.right.logins.length === 0
            ? html`<p>No logins yet.</p>`
            : html`<table aria-labelledby="logins-heading">
        <thead><tr><th scope="col">When</th><th scope="col">Synchronised</th></tr></thead>
        <tbody>${[...audit.right.logins].reverse().map((l) => html`<tr><td>${Time({ at: l.at })}</td><td>${l.synchronised.length === 0 ? '—' : html`<ul>${l.synchronised.map((s) => html`<li>${s.label} ${Time({ at: s.at })}</li>`)}</ul>`}</td></tr>`)}</tbody>
      </table>`
      }`,
  });
};

export const registerAdminUser = (server: FastifyInstance, app: HostApp): void => {
  const csrf = csrfCheck(server);
  server.get('/admin/users/:id', async (request, reply) => {
    const user = await app.admin.getUser(param(request, 'id'));
    if (E.isLeft(user)) return sendConsoleProblem(app, reply, user.left, 'User not found');
    return sendPage(reply, await userPage(app, reply, user.right, { flash: takeFlash(request, reply, app) }));
  });

  server.post('/admin/users/:id/attributes', { preHandler: csrf }, async (request, reply) => {
    const by = adminOf(request);
    const id = param(request, 'id');
    const user = await app.admin.getUser(id);
    if (E.isLeft(user)) return sendConsoleProblem(app, reply, user.left, 'User not found');
    const form = formOf(request.body);
    const before = user.right.attributes as Readonly<Partial<Record<AttributeName, string>>>;
    const changes: Record<string, string | null> = {};
    for (const a of ATTRIBUTES) {
      const raw = field(form, a.name);
      const now = raw.trim();
      if (now === (before[a.name] ?? '')) continue;
      changes[a.name] = now === '' && !a.required ? null : raw;
    }
    const redisplay = async (problem: Problem) =>
      sendPage(reply, await userPage(app, reply, user.right, { form, problem }), statusOf(problem));
    if (Object.keys(changes).length === 0)
      return redirectWithFlash(reply, app, `/admin/users/${encodeURIComponent(id)}`, 'Nothing changed.');
    const decoded = decodeAttributeChanges(changes);
    if (E.isLeft(decoded)) return redisplay(decoded.left);
    const saved = await app.admin.changeAttributes(by, id, decoded.right satisfies AttributeChanges);
    if (E.isLeft(saved)) {
      const p = saved.left;
      return redisplay(
        p.kind === 'conflict' && p.reason.includes('email') ? { kind: 'invalid', field: 'email', reason: 'is taken by another user' } : p,
      );
    }
    return redirectWithFlash(
      reply,
      app,
      `/admin/users/${encodeURIComponent(id)}`,
      `Saved: ${Object.keys(decoded.right)
        .map((k) => ATTRIBUTES.find((a) => a.name === k)?.label ?? k)
        .join(', ')}.`,
    );
  });
};
