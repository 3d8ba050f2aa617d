// A job's progress page (refreshes itself while it runs, with a Cancel button) and its per-item results.
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { dateWords, whoDidIt } from '@takeover/engine';
import type { HostApp } from '../../app/hostApp.js';
import type { JobView } from '../../app/jobs.js';
import { adminOf } from '../sessions.js';
import { ConsolePage, sendConsoleProblem } from './adminCommon.js';
import type { Markup, VNode } from './html.js';
import { html } from './html.js';
import { csrfCheck, param, redirectWithFlash, sendPage, takeFlash } from './support.js';
import { Csrf } from './ui.js';

const STATE_TITLES: Readonly<Record<JobView['state'], string>> = { running: 'In progress', done: 'Finished', cancelled: 'Cancelled' };

/** A result's item as the page shows it: a user (bulk), a line of the file (CSV import), or the item itself. */
const ItemCell = ({ kind, item }: { readonly kind: string; readonly item: string }): Markup => {
  if (kind === 'bulk') return html`<a href=${`/admin/users/${encodeURIComponent(item)}`}>${item}</a>`;
  if (kind === 'csv-import') {
    const row = JSON.parse(item) as { readonly line?: unknown; readonly input?: { readonly email?: unknown } };
    return `Line ${String(row.line)}${typeof row.input?.email === 'string' ? `: ${row.input.email}` : ''}`;
  }
  return item;
};

/** A job's progress (refreshing while it runs, with a Cancel button) and, once it has ended, its per-item results. */
const JobPage = ({
  app,
  reply,
  job: j,
  flash,
}: {
  readonly app: HostApp;
  readonly reply: FastifyReply;
  readonly job: JobView;
  readonly flash?: string | undefined;
}): VNode => {
  const running = j.state === 'running';
  const backTo =
    j.kind === 'csv-import'
      ? html`<a href="/admin/import">Import another file</a> · <a href="/admin/users">Back to the users</a>`
      : html`<a href="/admin/users">Back to the users</a>`;
  const ended = j.finishedAt === null || j.finishedAt === undefined ? '' : ` ${dateWords(j.finishedAt)}`;
  return ConsolePage({
    app,
    reply,
    title: running ? `Running: ${String(j.done)} of ${String(j.total)}` : STATE_TITLES[j.state],
    flash,
    ...(running ? { refreshSeconds: 2 } : {}),
    children: html`<h1>${STATE_TITLES[j.state]}</h1>
        <p>Started by ${whoDidIt({ role: 'admin', id: j.createdBy })}. ${running ? 'This page refreshes every 2 seconds.' : `${j.state === 'cancelled' ? 'Cancelled' : 'Finished'}${ended}.`}</p>
        <progress id="job-progress" max=${Math.max(1, j.total)} value=${j.done} aria-label="Progress">${String(j.done)} of ${String(j.total)}</progress>
        <p role="status" id="job-status">${String(j.done)} of ${String(j.total)} done, ${String(j.failed)} failed${j.notDone > 0 ? `, ${String(j.notDone)} not done (cancelled)` : ''}.</p>
        ${
          running
            ? html`<form method="post" action=${`/admin/jobs/${encodeURIComponent(j.id)}/cancel`}>
            ${Csrf({ token: reply.generateCsrf() })}
            <p>Cancelling stops the job before the next ${j.kind === 'bulk' ? 'user' : 'item'}; what is done stays done.</p>
            <button type="submit">Cancel the job</button>
          </form>`
            : html`<table aria-label="Results">
          <thead><tr><th scope="col">${j.kind === 'bulk' ? 'User' : j.kind === 'csv-import' ? 'Line' : 'Item'}</th><th scope="col">Result</th><th scope="col">What happened</th></tr></thead>
          <tbody>${j.results.map((r) => html`<tr class=${r.ok ? undefined : 'failed'}><td>${ItemCell({ kind: j.kind, item: r.item })}</td><td>${r.notDone === true ? 'Not done' : r.ok ? (r.outcome.startsWith('skipped') || r.outcome.includes(': unchanged') ? 'Skipped' : 'Done') : 'Failed'}</td><td>${r.outcome}</td></tr>`)}</tbody>
        </table>`
        }
        <p>${backTo}</p>`,
  });
};

export const registerAdminJobs = (server: FastifyInstance, app: HostApp): void => {
  const csrf = csrfCheck(server);
  server.get('/admin/jobs/:jobId', async (request, reply) => {
    const job = await app.admin.job(param(request, 'jobId'));
    if (E.isLeft(job)) return sendConsoleProblem(app, reply, job.left, 'Job not found');
    return sendPage(reply, JobPage({ app, reply, job: job.right, flash: takeFlash(request, reply, app) }));
  });

  server.post('/admin/jobs/:jobId/cancel', { preHandler: csrf }, async (request, reply) => {
    const jobId = param(request, 'jobId');
    const outcome = await app.admin.cancelJob(adminOf(request), jobId);
    if (E.isLeft(outcome) && outcome.left.kind !== 'conflict') return sendConsoleProblem(app, reply, outcome.left, 'Not cancelled');
    return redirectWithFlash(
      reply,
      app,
      `/admin/jobs/${encodeURIComponent(jobId)}`,
      E.isLeft(outcome)
        ? 'The job had already finished; nothing was cancelled.'
        : `Cancelled. ${String(outcome.right.notDone)} not done; the results say which.`,
    );
  });
};
