// The console's home: the rollout overview, the user search and its pages.
import type { FastifyInstance } from 'fastify';
import type { HostApp } from '../../app/hostApp.js';
import { ConsolePage } from './adminCommon.js';
import { RolloutOverview } from './adminRollout.js';
import { html } from './html.js';
import { queryParam, sendPage, takeFlash } from './support.js';

const PAGE_SIZE = 20;

export const registerAdminUserList = (server: FastifyInstance, app: HostApp): void => {
  // ── The list ───────────────────────────────────────────────────────────────────────────────
  server.get('/admin', async (request, reply) => {
    const q = queryParam(request, 'q').slice(0, 200);
    const pageNumber = Math.max(1, Math.min(100_000, Number.parseInt(queryParam(request, 'page'), 10) || 1));
    const result = await app.admin.searchUsers({ ...(q === '' ? {} : { q }), limit: PAGE_SIZE, offset: (pageNumber - 1) * PAGE_SIZE });
    const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
    const link = (p: number) => `/admin?${new URLSearchParams({ ...(q === '' ? {} : { q }), page: String(p) }).toString()}`;
    return sendPage(
      reply,
      ConsolePage({
        app,
        reply,
        title: 'Users',
        flash: takeFlash(request, reply, app),
        children: html`${q === '' && pageNumber === 1 ? await RolloutOverview(app) : null}
        <h1>Users</h1>
        <form method="get" action="/admin" role="search">
          <div class="field">
            <label for="q">Search users</label>
            <p class="hint" id="q-hint">By email, given name, family name or display name.</p>
            <input id="q" name="q" type="search" value=${q} aria-describedby="q-hint" />
          </div>
          <button type="submit">Search</button>
        </form>
        <p role="status">${result.total === 0 ? 'No users found.' : `${String(result.total)} user${result.total === 1 ? '' : 's'}${q === '' ? '' : ` matching “${q}”`}, page ${String(pageNumber)} of ${String(pages)}.`}</p>
        <p><a href="/admin/users/new">New user</a></p>
        ${
          result.users.length === 0
            ? null
            : html`<table>
          <caption>Users</caption>
          <thead><tr><th scope="col">Email</th><th scope="col">Name</th><th scope="col">State</th><th scope="col">Password</th><th scope="col">Directories</th></tr></thead>
          <tbody>
            ${result.users.map(
              (u) => html`<tr>
              <td><a href=${`/admin/users/${encodeURIComponent(u.id)}`}>${u.email}</a></td>
              <td>${u.displayName}</td><td>${u.state}</td><td>${u.passwordStatus}</td><td>${u.directories.join(', ') || '—'}</td>
            </tr>`,
            )}
          </tbody>
        </table>`
        }
        <nav aria-label="Pages" class="pager">
          ${pageNumber > 1 ? html`<a href=${link(pageNumber - 1)} rel="prev">Previous page</a>` : null}
          ${pageNumber < pages ? html`<a href=${link(pageNumber + 1)} rel="next">Next page</a>` : null}
        </nav>`,
      }),
    );
  });
};
