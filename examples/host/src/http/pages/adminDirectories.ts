// The console's directories (connection details and the push policy) and a push's "why".
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { DirectoryView, HostApp, Problem } from '../../app/HostApp.js';
import { decodePolicyChange } from '../../app/inputs.js';
import type { Cause } from '@takeover/engine';
import { ConsolePage, problemStatus, requireAdmin, sendConsoleProblem } from './adminCommon.js';
import type { VNode } from './html.js';
import { html } from './html.js';
import { csrfCheck, field, formOf, param, redirectWithFlash, said, sendPage, takeFlash } from './support.js';
import { Csrf, ErrorMessage, Time } from './ui.js';

const CauseText = ({ cause }: { readonly cause: Cause }): VNode =>
  html`<span>${cause.type}${cause.detail === undefined ? null : ` (${cause.detail})`}${cause.by === undefined ? null : ` by ${cause.by}`}, ${Time({ at: cause.at })}</span>` as VNode;

export const registerAdminDirectories = (server: FastifyInstance, app: HostApp): void => {
  const csrf = csrfCheck(server);
  const directoriesPage = (
    reply: FastifyReply,
    directories: ReadonlyArray<DirectoryView>,
    props: { readonly flash?: string | undefined; readonly failed?: { readonly id: string; readonly problem: Problem } },
  ): VNode => {
    const csrf = reply.generateCsrf();
    return ConsolePage({
      app,
      reply,
      title: 'Directories',
      flash: props.flash,
      children: html`<h1>Directories</h1>
        ${directories.map((d) => {
          const heading = `directory-${d.id}`;
          const error = props.failed?.id === d.id ? `Not saved: ${said(props.failed.problem)}` : undefined;
          return html`<section aria-labelledby=${heading}>
            <h2 id=${heading}>${d.label}</h2>
            <dl class="facts">
              <dt>Directory id</dt><dd><code>${d.id}</code></dd>
              <dt>Kind</dt><dd>${d.kind}</dd>
              <dt>Domain</dt><dd>${d.domain}</dd>
              <dt>Mode</dt><dd>${d.mode === 'emulator' ? 'Emulator (in-process demo)' : 'Real tenant'}</dd>
              <dt>Endpoint</dt><dd><code>${d.endpoint}</code></dd>
              <dt>Needs an admin</dt><dd>${d.needsAdmin ? 'Yes: the last call was refused for authorization' : 'No'}</dd>
              <dt>Paused</dt><dd>${d.paused ? 'Yes: no pushes start there until the problem below is fixed; they wait for the next login' : 'No'}</dd>
            </dl>
            ${
              d.problems.length === 0
                ? null
                : html`<div class="problem" role="alert">
              <p>The directory refuses the connector. To fix it:</p>
              <ul>${d.problems.map((c) => html`<li><strong>${c.name}</strong>: ${c.detail}${c.fix === undefined ? null : html` <em>${c.fix}</em>`}</li>`)}</ul>
            </div>`
            }
            <form method="post" action=${`/admin/directories/${encodeURIComponent(d.id)}/policy`} novalidate>
              ${Csrf({ token: csrf })}
              ${ErrorMessage({ id: `${d.id}-policy-error`, message: error })}
              <fieldset>
                <legend>Password push</legend>
                <label class="choice"><input type="radio" name="passwordPush" value="every-push" checked=${d.policy.passwordPush === 'every-push'} /> Every push (every push carries the password)</label>
                <label class="choice"><input type="radio" name="passwordPush" value="when-changed" checked=${d.policy.passwordPush === 'when-changed'} /> When changed (attribute-only pushes carry no password)</label>
              </fieldset>
              <div class="field">
                <label class="choice"><input type="checkbox" name="revokeSessionsOnPush" value="true" checked=${d.policy.revokeSessionsOnPush} /> Revoke sessions on push</label>
              </div>
              <button type="submit">Save policy</button>
            </form>
          </section>`;
        })}`,
    });
  };

  server.get('/admin/directories', async (request, reply) => {
    const by = await requireAdmin(request, reply, app);
    if (by === undefined) return reply;
    return sendPage(reply, directoriesPage(reply, await app.admin.directories(), { flash: takeFlash(request, reply, app) }));
  });

  server.post('/admin/directories/:id/policy', { preHandler: csrf }, async (request, reply) => {
    const by = await requireAdmin(request, reply, app);
    if (by === undefined) return reply;
    const id = param(request, 'id');
    const form = formOf(request.body);
    const failed = async (problem: Problem) =>
      sendPage(reply, directoriesPage(reply, await app.admin.directories(), { failed: { id, problem } }), problemStatus(problem));
    const decoded = decodePolicyChange({
      passwordPush: field(form, 'passwordPush') || undefined,
      revokeSessionsOnPush: field(form, 'revokeSessionsOnPush') === 'true',
    });
    if (E.isLeft(decoded)) return failed(decoded.left);
    const changed = await app.admin.changeDirectoryPolicy(by, id, decoded.right);
    if (E.isLeft(changed))
      return changed.left.kind === 'not-found' ? sendConsoleProblem(app, reply, changed.left, 'Directory not found') : failed(changed.left);
    const p = changed.right.policy;
    return redirectWithFlash(
      reply,
      app,
      '/admin/directories',
      `${changed.right.label}: password push ${p.passwordPush}, sessions ${p.revokeSessionsOnPush ? 'revoked' : 'kept'} on push.`,
    );
  });

  server.get('/admin/pushes/:pushId', async (request, reply) => {
    const by = await requireAdmin(request, reply, app);
    if (by === undefined) return reply;
    const why = await app.admin.why(param(request, 'pushId'));
    if (E.isLeft(why)) return sendConsoleProblem(app, reply, why.left, 'Push not found');
    const { push, causes, carriedBy, startedAt, outcome } = why.right;
    const userHref = `/admin/users/${encodeURIComponent(push.userId)}`;
    const [user, directories] = await Promise.all([app.admin.getUser(push.userId), app.admin.directories()]);
    const userText = E.isRight(user) ? `${user.right.displayName} (${user.right.email})` : push.userId;
    const directoryText = directories.find((d) => d.id === push.directoryId)?.label ?? push.directoryId;
    return sendPage(
      reply,
      ConsolePage({
        app,
        reply,
        title: 'Why this push',
        children: html`<h1>Why this push happened</h1>
        <dl class="facts">
          <dt>User</dt><dd><a href=${userHref}>${userText}</a></dd>
          <dt>Directory</dt><dd>${directoryText}</dd>
          <dt>Account there</dt><dd><code>${push.externalKey}</code></dd>
          <dt>What</dt><dd>${push.carriesPassword ? `password (version ${String(push.passwordVersion)}) and attributes (record version ${String(push.recordVersion)})` : `attributes only (record version ${String(push.recordVersion)})`}</dd>
          <dt>Reason</dt><dd>${push.reason}</dd>
          <dt>Ends sessions there</dt><dd>${push.revokeSessions ? 'Yes' : 'No'}</dd>
          <dt>Started</dt><dd>${Time({ at: startedAt })}</dd>
          <dt>Outcome</dt><dd>${outcome === undefined ? 'Not finished' : outcome.status === 'succeeded' ? html`Succeeded ${Time({ at: outcome.at })}` : html`Failed (${outcome.failure.class}${outcome.failure.reason === undefined ? '' : `, ${outcome.failure.reason}`}): ${outcome.failure.message} ${Time({ at: outcome.at })}`}</dd>
          <dt>Push id</dt><dd><code>${push.pushId}</code></dd>
        </dl>
        <h2>Causes</h2>
        ${causes.length === 0 ? html`<p>No recorded change (the first push after binding).</p>` : html`<ol>${causes.map((c) => html`<li>${CauseText({ cause: c })}</li>`)}</ol>`}
        <h2>Carried by</h2>
        <p>${carriedBy === undefined ? 'No login: this push needed no password.' : CauseText({ cause: carriedBy })}</p>
        <p><a href=${userHref}>Back to the user</a></p>`,
      }),
      200,
    );
  });
};
