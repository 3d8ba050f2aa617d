// The console's user list at scale: filters, sort, keyset pages and row selection for bulk actions.
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { UserListSort } from '@takeover/engine';
import { BULK_ACTIONS } from '../../app/effects.js';
import type { HostApp } from '../../app/hostApp.js';
import { ConsolePage, sendConsoleProblem } from './adminCommon.js';
import { ACTION_WORDS, FilterHiddens, filterOf, Select } from './adminListForms.js';
import { listLink, SYNC_STATES, SYNC_WORDS } from './adminRollout.js';

/** The console's export of the list as filtered (adminCsv.ts). */
const exportLink = (filter: Parameters<typeof listLink>[0]): string => listLink(filter).replace(/^\/admin\/users/, '/admin/users.csv');
import { html } from './html.js';
import { queryParam, sendPage, takeFlash } from './support.js';
import { Csrf } from './ui.js';

export const registerAdminUserTable = (server: FastifyInstance, app: HostApp): void => {
  // ── The user list at scale ─────────────────────────────────────────────────────────────────
  server.get('/admin/users', async (request: FastifyRequest, reply: FastifyReply) => {
    const filter = filterOf((k) => queryParam(request, k));
    const sort = (
      ['email', 'name', 'updated'].includes(queryParam(request, 'sort')) ? queryParam(request, 'sort') : 'email'
    ) as UserListSort;
    const order = queryParam(request, 'order') === 'desc' ? 'desc' : 'asc';
    const after = queryParam(request, 'after');
    const directories = await app.admin.directories();
    const page = await app.admin.listUsers({ filter, sort, order, limit: 50, ...(after === '' ? {} : { after }) });
    if (E.isLeft(page)) return sendConsoleProblem(app, reply, page.left, 'The list cannot be shown');
    const nameOf = (id: string) => directories.find((d) => d.id === id)?.label ?? id;
    const base = { ...filter, ...(sort === 'email' ? {} : { sort }), ...(order === 'asc' ? {} : { order }) };
    const next =
      page.right.next === undefined ? undefined : `/admin/users?${new URLSearchParams({ ...base, after: page.right.next }).toString()}`;
    const csrfToken = reply.generateCsrf();
    return sendPage(
      reply,
      ConsolePage({
        app,
        reply,
        title: 'Users',
        flash: takeFlash(request, reply, app),
        children: html`<h1>Users</h1>
        <form method="get" action="/admin/users" role="search" class="filters">
          <div class="field"><label for="text">Email or name contains</label><input id="text" name="text" type="search" value=${filter.text ?? ''} /></div>
          ${Select({
            id: 'state',
            label: 'State',
            value: filter.state ?? '',
            options: [
              ['', 'Any'],
              ['active', 'Active'],
              ['staged', 'Staged'],
              ['suspended', 'Suspended'],
            ],
          })}
          ${Select({ id: 'directoryId', label: 'Directory', value: filter.directoryId ?? '', options: [['', 'Any'], ...directories.map((d) => [d.id, d.label] as const)] })}
          ${Select({ id: 'sync', label: 'Sync status', value: filter.sync ?? '', options: [['', 'Any'], ...SYNC_STATES.map((s) => [s, SYNC_WORDS[s]] as const)] })}
          ${filter.failingReason === undefined ? null : html`<input type="hidden" name="failingReason" value=${filter.failingReason} />`}
          ${Select({
            id: 'sort',
            label: 'Sort by',
            value: sort,
            options: [
              ['email', 'Email'],
              ['name', 'Name'],
              ['updated', 'Last change'],
            ],
          })}
          ${Select({
            id: 'order',
            label: 'Order',
            value: order,
            options: [
              ['asc', 'Ascending'],
              ['desc', 'Descending'],
            ],
          })}
          <button type="submit">Show</button>
        </form>
        <p role="status">${page.right.total === 0 ? 'No users match.' : `${String(page.right.total)} user${page.right.total === 1 ? '' : 's'} match${page.right.total === 1 ? 'es' : ''}${filter.failingReason === undefined ? '' : ` (failing because: ${filter.failingReason})`}.`}</p>
        <p class="export"><a href=${exportLink(filter)} download="users.csv">Export CSV${Object.keys(filter).length === 0 ? ' (every user)' : ' (the users matching this filter)'}</a> · <a href="/admin/import">Import users from a CSV file</a></p>
        <form method="post" action="/admin/bulk/preview" id="bulk">
          ${Csrf({ token: csrfToken })}
          ${FilterHiddens({ filter })}
          <fieldset class="bulk">
            <legend>Bulk action</legend>
            ${Select({ id: 'bulk-action', name: 'action', label: 'Action', value: '', options: BULK_ACTIONS.map((a) => [a, ACTION_WORDS[a]] as const) })}
            ${Select({ id: 'bulk-directory', name: 'directoryId', label: 'Directory (bind and unbind)', value: filter.directoryId ?? '', options: directories.map((d) => [d.id, d.label] as const) })}
            <label class="choice"><input type="radio" name="scope" value="selected" checked /> The selected users</label>
            <label class="choice"><input type="radio" name="scope" value="filter" /> Everything matching this filter (${String(page.right.total)} users)</label>
            <button type="submit">Preview</button>
          </fieldset>
          ${
            page.right.rows.length === 0
              ? null
              : html`<table>
            <caption>Users${next === undefined && after === '' ? '' : ' (this page)'}</caption>
            <thead><tr><th scope="col">Select</th><th scope="col">Email</th><th scope="col">Name</th><th scope="col">State</th><th scope="col">Directories</th></tr></thead>
            <tbody>${page.right.rows.map(
              (r) => html`<tr>
              <td><input type="checkbox" name="userIds" value=${r.userId} aria-label=${`Select ${r.email}`} /></td>
              <td><a href=${`/admin/users/${encodeURIComponent(r.userId)}`}>${r.email}</a></td>
              <td>${r.displayName}</td><td>${r.state}${r.passwordStatus === 'pending' ? ' (no password yet)' : ''}</td>
              <td>${r.directories.length === 0 ? '—' : html`<ul class="plain">${r.directories.map((d) => html`<li>${nameOf(d.directoryId)}: ${SYNC_WORDS[d.sync]}${d.reason === undefined ? '' : ` (${d.reason})`}</li>`)}</ul>`}</td>
            </tr>`,
            )}</tbody>
          </table>`
          }
        </form>
        <nav aria-label="Pages" class="pager">
          ${after === '' ? null : html`<a href=${listLink(base)}>First page</a>`}
          ${next === undefined ? null : html`<a href=${next} rel="next">Next page</a>`}
        </nav>`,
      }),
    );
  });
};
