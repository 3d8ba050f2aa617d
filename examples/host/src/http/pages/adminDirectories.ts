// The console's directories: connection details, the push policy and the portal bookmarks.
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { DirectoryView, HostApp, Problem } from '../../app/hostApp.js';
import { decodeBookmarks, decodePolicyChange } from '../../app/inputs.js';
import { ConsolePage, sendConsoleProblem } from './adminCommon.js';
import { adminOf } from '../sessions.js';
import { statusOf } from '../problem.js';
import type { VNode } from './html.js';
import { html } from './html.js';
import { csrfCheck, field, formOf, param, redirectWithFlash, said, sendPage, takeFlash } from './support.js';
import { Csrf, ErrorMessage } from './ui.js';

/** Each directory's portal bookmarks as the form's lines: `name | https address | icon`. */
const bookmarkLines = async (app: HostApp, directories: ReadonlyArray<DirectoryView>): Promise<ReadonlyMap<string, string>> =>
  new Map(
    await Promise.all(
      directories.map(async (d) => {
        const list = await app.admin.bookmarks(d.id);
        return [
          d.id,
          E.isRight(list) ? list.right.map((b) => [b.name, b.url, ...(b.icon === undefined ? [] : [b.icon])].join(' | ')).join('\n') : '',
        ] as const;
      }),
    ),
  );

const directoriesPage = (
  app: HostApp,
  reply: FastifyReply,
  directories: ReadonlyArray<DirectoryView>,
  props: {
    readonly flash?: string | undefined;
    readonly failed?: { readonly id: string; readonly problem: Problem };
    readonly bookmarks: ReadonlyMap<string, string>;
    readonly bookmarkError?: { readonly id: string; readonly message: string; readonly text: string };
  },
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
          <form method="post" action=${`/admin/directories/${encodeURIComponent(d.id)}/bookmarks`} novalidate>
            ${Csrf({ token: csrf })}
            ${ErrorMessage({ id: `${d.id}-bookmarks-error`, message: props.bookmarkError?.id === d.id ? props.bookmarkError.message : undefined })}
            <div class="field">
              <label for=${`${d.id}-bookmarks`}>Portal bookmarks, in order (one a line: name | https address | icon)</label>
              <textarea id=${`${d.id}-bookmarks`} name="bookmarks" rows="4">${props.bookmarkError?.id === d.id ? props.bookmarkError.text : (props.bookmarks.get(d.id) ?? '')}</textarea>
              <p class="hint">Shown as tiles in the portal after the default apps, to users whose takeover is complete here. Delete a line to remove a bookmark; move it to reorder.</p>
            </div>
            <button type="submit">Save bookmarks</button>
          </form>
        </section>`;
      })}`,
  });
};

export const registerAdminDirectories = (server: FastifyInstance, app: HostApp): void => {
  const csrf = csrfCheck(server);
  server.get('/admin/directories', async (request, reply) => {
    const directories = await app.admin.directories();
    return sendPage(
      reply,
      directoriesPage(app, reply, directories, { flash: takeFlash(request, reply, app), bookmarks: await bookmarkLines(app, directories) }),
    );
  });

  server.post('/admin/directories/:id/policy', { preHandler: csrf }, async (request, reply) => {
    const by = adminOf(request);
    const id = param(request, 'id');
    const form = formOf(request.body);
    const failed = async (problem: Problem) => {
      const directories = await app.admin.directories();
      return sendPage(
        reply,
        directoriesPage(app, reply, directories, { failed: { id, problem }, bookmarks: await bookmarkLines(app, directories) }),
        statusOf(problem),
      );
    };
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

  server.post('/admin/directories/:id/bookmarks', { preHandler: csrf }, async (request, reply) => {
    const by = adminOf(request);
    const id = param(request, 'id');
    const text = field(formOf(request.body), 'bookmarks');
    const lines = text
      .split(/\r\n|\n|\r/)
      .map((l) => l.trim())
      .filter((l) => l !== '');
    const list = lines.map((l) => {
      const [name = '', url = '', icon] = l.split('|').map((p) => p.trim());
      return { name, url, ...(icon === undefined || icon === '' ? {} : { icon }) };
    });
    const refuse = async (message: string, status: number) => {
      const directories = await app.admin.directories();
      return sendPage(
        reply,
        directoriesPage(app, reply, directories, {
          bookmarks: await bookmarkLines(app, directories),
          bookmarkError: { id, message, text },
        }),
        status,
      );
    };
    const decoded = decodeBookmarks(list);
    if (E.isLeft(decoded)) {
      const p = decoded.left;
      // `[2].url` → "line 3, the address"
      const at = p.kind === 'invalid' ? /^\[(\d+)\]\.(\w+)$/.exec(p.field) : null;
      const what = { name: 'the name', url: 'the address', icon: 'the icon' }[at?.[2] ?? ''] ?? 'it';
      return refuse(
        at === null
          ? `Not saved: ${said(p)}`
          : `Not saved: on line ${String(Number(at[1]) + 1)}, ${what} ${p.kind === 'invalid' ? p.reason : ''}.`,
        400,
      );
    }
    const saved = await app.admin.setBookmarks(by, id, decoded.right);
    if (E.isLeft(saved))
      return saved.left.kind === 'not-found'
        ? sendConsoleProblem(app, reply, saved.left, 'Directory not found')
        : refuse(`Not saved: ${said(saved.left)}`, statusOf(saved.left));
    return redirectWithFlash(reply, app, '/admin/directories', `Portal bookmarks saved (${String(decoded.right.length)}).`);
  });
};
