// The console's bulk actions: preview (what will happen, per directory and per user) → confirm → a job.
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { BulkPreview, BulkRequest } from '../../app/bulk.js';
import type { DirectoryView, HostApp } from '../../app/hostApp.js';
import { statusOf } from '../problem.js';
import { adminOf } from '../sessions.js';
import { ConsolePage, sendConsoleProblem } from './adminCommon.js';
import { ACTION_WORDS, bulkFromForm, FilterHiddens } from './adminListForms.js';
import type { VNode } from './html.js';
import { html } from './html.js';
import { csrfCheck, field, formOf, redirectWithFlash, sendPage } from './support.js';
import { Csrf } from './ui.js';

const previewPage = (
  app: HostApp,
  reply: FastifyReply,
  request: BulkRequest,
  preview: BulkPreview,
  directories: ReadonlyArray<DirectoryView>,
): VNode => {
  const csrfToken = reply.generateCsrf();
  const dirName = directories.find((d) => d.id === request.directoryId)?.label;
  return ConsolePage({
    app,
    reply,
    title: 'Confirm the bulk action',
    children: html`<h1>${ACTION_WORDS[request.action]}${dirName === undefined ? '' : `: ${dirName}`}</h1>
      <p>${String(preview.users)} users targeted: ${String(preview.changing)} will change, ${String(preview.skipped)} will be skipped.</p>
      <h2 id="effects-heading">What will happen</h2>
      <ul aria-labelledby="effects-heading" class="effects">${preview.summary.map((s) => html`<li>This ${s}.</li>`)}</ul>
      <table aria-label="Per directory">
        <thead><tr><th scope="col">Directory</th><th scope="col">Bound</th><th scope="col">Unbound</th><th scope="col">Accounts linked or created</th><th scope="col">Accounts linked</th><th scope="col">Accounts suspended</th><th scope="col">Accounts reactivated</th><th scope="col">Emails</th></tr></thead>
        <tbody>${preview.directories.map((d) => html`<tr><th scope="row">${d.name}</th><td>${String(d.bound)}</td><td>${String(d.unbound)}</td><td>${String(d.accountsLinkedOrCreated)}</td><td>${String(d.accountsLinked)}</td><td>${String(d.accountsSuspended)}</td><td>${String(d.accountsReactivated)}</td><td>${String(d.bindingEmails)}</td></tr>`)}</tbody>
      </table>
      <p>Activation emails: ${String(preview.activationEmails)}.</p>
      <form method="post" action="/admin/bulk">
        ${Csrf({ token: csrfToken })}
        <input type="hidden" name="key" value=${randomUUID()} />
        <input type="hidden" name="action" value=${request.action} />
        ${request.directoryId === undefined ? null : html`<input type="hidden" name="directoryId" value=${request.directoryId} />`}
        ${
          request.filter === undefined
            ? html`<input type="hidden" name="scope" value="selected" />${(request.userIds ?? []).map((id) => html`<input type="hidden" name="userIds" value=${id} />`)}`
            : html`<input type="hidden" name="scope" value="filter" />${FilterHiddens({ filter: request.filter })}`
        }
        <button type="submit" disabled=${preview.changing === 0}>Confirm: ${ACTION_WORDS[request.action].toLowerCase()} for ${String(preview.changing)} users</button>
        <a href="/admin/users">Cancel</a>
      </form>
      <h2 id="per-user-heading">Per user${preview.truncated ? ` (the first ${String(preview.perUser.length)})` : ''}</h2>
      <table aria-labelledby="per-user-heading">
        <thead><tr><th scope="col">User</th><th scope="col">What happens</th></tr></thead>
        <tbody>${preview.perUser.map((u) => html`<tr><td>${u.email}</td><td>${u.skipped === undefined ? u.effects.map((e) => e.text).join('; ') : `skipped: ${u.skipped}`}</td></tr>`)}</tbody>
      </table>`,
  });
};

export const registerAdminBulk = (server: FastifyInstance, app: HostApp): void => {
  const csrf = csrfCheck(server);
  // ── Bulk: preview, confirm, job ────────────────────────────────────────────────────────────
  server.post('/admin/bulk/preview', { preHandler: csrf }, async (request, reply) => {
    const by = adminOf(request);
    const decoded = bulkFromForm(formOf(request.body));
    if (E.isLeft(decoded)) {
      const p = decoded.left;
      const hint =
        p.kind === 'invalid' && p.field === 'userIds'
          ? 'Select at least one user, or choose “everything matching this filter”.'
          : undefined;
      return sendPage(
        reply,
        ConsolePage({
          app,
          reply,
          title: 'Nothing to preview',
          children: html`<h1>Nothing to preview</h1><p role="alert">${hint ?? (p.kind === 'invalid' ? `${p.field} ${p.reason}` : 'The request is not valid.')}</p><p><a href="/admin/users">Back to the users</a></p>`,
        }),
        statusOf(p),
      );
    }
    const outcome = await app.admin.bulk(by, { ...decoded.right, dryRun: true });
    if (E.isLeft(outcome)) return sendConsoleProblem(app, reply, outcome.left, 'Nothing to preview');
    if (!('preview' in outcome.right)) return reply.redirect('/admin/users', 303);
    return sendPage(reply, previewPage(app, reply, decoded.right, outcome.right.preview, await app.admin.directories()));
  });

  server.post('/admin/bulk', { preHandler: csrf }, async (request, reply) => {
    const by = adminOf(request);
    const form = formOf(request.body);
    const decoded = bulkFromForm(form);
    if (E.isLeft(decoded)) return sendConsoleProblem(app, reply, decoded.left, 'Not started');
    const key = field(form, 'key');
    const outcome = await app.admin.bulk(by, { ...decoded.right, dryRun: false }, /^[\x21-\x7e]{1,200}$/.test(key) ? key : undefined);
    if (E.isLeft(outcome)) return sendConsoleProblem(app, reply, outcome.left, 'Not started');
    if (!('jobId' in outcome.right)) return reply.redirect('/admin/users', 303);
    return redirectWithFlash(
      reply,
      app,
      `/admin/jobs/${encodeURIComponent(outcome.right.jobId)}`,
      outcome.right.created
        ? 'Started. You can leave this page and come back: the job goes on.'
        : 'This action was already started; here is its progress.',
    );
  });
};
