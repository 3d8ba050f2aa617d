// The console at scale (issue 14): the rollout overview (per directory, where bound users stand,
// each count a link to the filtered list, and a chart of completed takeovers) and its page. No
// client-side JavaScript. The list with filters is adminUserTable.ts, bulk actions adminBulk.ts,
// jobs adminJobs.ts, the single-user confirmation adminConfirm.ts.
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance } from 'fastify';
import type { CompletionPoint, RolloutState, UserListFilter } from '@takeover/engine';
import type { DirectoryRolloutView, HostApp } from '../../app/hostApp.js';
import { ConsolePage } from './adminCommon.js';
import type { VNode } from './html.js';
import { html } from './html.js';
import { sendPage, takeFlash } from './support.js';
import { Hidden } from './ui.js';

/** The console's words per state (docs/glossary.md, "Directory states for admins"; test/app/words.test.ts holds them to it). */
export const SYNC_WORDS: Readonly<Record<RolloutState, string>> = {
  'awaiting-first-login': 'Awaiting first login',
  'in-sync': 'In sync',
  pending: 'Update pending (waits for the next login)',
  'in-flight': 'Updating',
  failing: 'Failing',
  unresolved: 'Account not found',
  paused: 'Not managed now (user staged or suspended, or directory disconnected)',
};
export const SYNC_STATES = Object.keys(SYNC_WORDS) as RolloutState[];
const COUNTS: ReadonlyArray<readonly [keyof DirectoryRolloutView, RolloutState]> = [
  ['awaitingFirstLogin', 'awaiting-first-login'],
  ['inSync', 'in-sync'],
  ['pending', 'pending'],
  ['inFlight', 'in-flight'],
  ['failing', 'failing'],
  ['unresolved', 'unresolved'],
  // A bound user who has not activated yet (password pending) is counted as awaiting their first login, not here.
  ['paused', 'paused'],
];

export const listLink = (filter: { readonly [K in keyof UserListFilter]?: string }): string => {
  const q = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
  return `/admin/users${q.size === 0 ? '' : `?${q.toString()}`}`;
};

/** Completed takeovers over time as an SVG polyline (server-rendered, no script, no CDN). */
const CompletionChart = ({
  points,
  bound,
  name,
}: {
  readonly points: ReadonlyArray<CompletionPoint>;
  readonly bound: number;
  readonly name: string;
}): VNode => {
  const w = 320;
  const h = 80;
  const top = Math.max(1, bound, ...points.map((p) => p.completed));
  const last = points[points.length - 1];
  const coords =
    points.length === 0
      ? []
      : points.length === 1
        ? [
            [0, h - (points[0]!.completed / top) * h],
            [w, h - (points[0]!.completed / top) * h],
          ]
        : points.map((p, i) => [(i / (points.length - 1)) * w, h - (p.completed / top) * h]);
  const label =
    last === undefined
      ? `${name}: no takeover completed yet`
      : `${name}: ${String(last.completed)} of ${String(bound)} bound users completed the takeover by ${last.day}, from ${String(points[0]?.completed ?? 0)} on ${points[0]?.day ?? ''}`;
  return html`<figure class="chart">
    <svg role="img" aria-label=${label} viewBox=${`0 0 ${String(w)} ${String(h)}`} width=${w} height=${h} xmlns="http://www.w3.org/2000/svg">
      <rect x="0" y="0" width=${w} height=${h} fill="none" stroke="#bbb" />
      ${bound > 0 ? html`<line x1="0" x2=${w} y1=${h - (bound / top) * h} y2=${h - (bound / top) * h} stroke="#999" stroke-dasharray="4 3" />` : null}
      ${coords.length === 0 ? null : html`<polyline fill="none" stroke="#1a5fb4" stroke-width="2" points=${coords.map(([x, y]) => `${(x ?? 0).toFixed(1)},${(y ?? 0).toFixed(1)}`).join(' ')} />`}
    </svg>
    <figcaption>${label}</figcaption>
  </figure>` as VNode;
};

/** The overview section (the console's home shows it above the search). */
export const RolloutOverview = async (app: HostApp): Promise<VNode> => {
  const { directories } = await app.admin.rollout();
  const charts = await Promise.all(
    directories.map(async (d) => {
      const points = await app.admin.completion(d.id);
      return E.isRight(points) ? points.right : [];
    }),
  );
  return html`<section aria-labelledby="rollout-heading">
    <h2 id="rollout-heading">Rollout</h2>
    <p>Bound users per directory, by where they stand. Each number opens the list of those users.</p>
    <table aria-labelledby="rollout-heading" class="rollout">
      <thead><tr><th scope="col">Directory</th><th scope="col">Bound</th>${COUNTS.map(([, s]) => html`<th scope="col">${SYNC_WORDS[s]}</th>`)}<th scope="col">Password changed outside the portal</th></tr></thead>
      <tbody>
        ${directories.map(
          (d) => html`<tr>
          <th scope="row">${d.name}</th>
          <td><a href=${listLink({ directoryId: d.id })}>${String(d.bound)}${Hidden({ children: ` bound to ${d.name}` })}</a></td>
          ${COUNTS.map(
            ([
              k,
              s,
            ]) => html`<td><a href=${listLink({ directoryId: d.id, sync: s })}>${String(d[k] as number)}${Hidden({ children: ` ${SYNC_WORDS[s].toLowerCase()} in ${d.name}` })}</a>
            ${s === 'failing' && Object.keys(d.failingByReason).length > 0 ? html`<ul class="reasons">${Object.entries(d.failingByReason).map(([reason, n]) => html`<li><a href=${listLink({ directoryId: d.id, sync: 'failing', failingReason: reason })}>${reason}: ${String(n)}</a></li>`)}</ul>` : null}</td>`,
          )}
          <td class="external-changes">${String(d.externalChanges)}${Hidden({ children: ` passwords changed in ${d.name} outside the portal (each set back at the next portal login)` })}</td>
        </tr>`,
        )}
      </tbody>
    </table>
    ${directories.map((d, i) => CompletionChart({ points: charts[i] ?? [], bound: d.bound, name: d.name }))}
    <p><a href="/admin/users">All users, with filters and bulk actions</a></p>
  </section>` as VNode;
};

export const registerAdminRollout = (server: FastifyInstance, app: HostApp): void => {
  server.get('/admin/rollout', async (request, reply) => {
    return sendPage(
      reply,
      ConsolePage({
        app,
        reply,
        title: 'Rollout',
        flash: takeFlash(request, reply, app),
        children: html`<h1>Rollout overview</h1>${await RolloutOverview(app)}`,
      }),
    );
  });
};
