// The portal's home: the user's apps, directories, what is being updated, the notifications.
import type { FastifyInstance } from 'fastify';
import type { HostApp } from '../../app/hostApp.js';
import { userOf } from '../sessions.js';
import { html } from './html.js';
import { csrfCheck, field, formOf, redirectWithFlash, sendPage, takeFlash } from './support.js';
import { ButtonForm, Hidden, Layout } from './ui.js';

export const registerPortalHome = (server: FastifyInstance, app: HostApp): void => {
  const csrf = csrfCheck(server);
  server.post('/portal/notifications/dismiss', { preHandler: csrf }, async (request, reply) => {
    const principal = userOf(request);
    // One group (the login that caused it) or, without `group`, every recent one.
    const group = field(formOf(request.body), 'group').trim();
    await app.portal.dismissNotifications(principal.userId, group === '' ? 'all' : [group]);
    return redirectWithFlash(reply, app, '/portal', group === '' ? 'Notifications dismissed.' : 'Dismissed.');
  });

  // ── Home: the notifications ────────────────────────────────────────────────────────────────
  server.get('/portal', async (request, reply) => {
    const principal = userOf(request);
    const [view, tiles, directories] = await Promise.all([
      app.portal.notifications(principal.userId),
      app.portal.bookmarks(principal.userId),
      app.portal.directories(principal.userId),
    ]);
    const updating = view.updating.length > 0;
    const csrfToken = reply.generateCsrf();
    return sendPage(
      reply,
      Layout({
        app,
        title: 'Your account',
        section: 'portal',
        flash: takeFlash(request, reply, app),
        ...(updating ? { refreshSeconds: 2 } : {}),
        children: html`<h1>Hello, ${principal.displayName}</h1>
        <p>You are logged in as <strong>${principal.email}</strong>.</p>
        <h2>Your apps</h2>
        ${
          tiles.length === 0
            ? html`<p>Your apps appear here once your password works in a directory.</p>`
            : html`<ul class="tiles">${tiles.map((t) => html`<li><a class="tile" href=${t.url} rel="noopener noreferrer" target="_blank">${t.icon !== undefined && !t.icon.startsWith('https:') ? html`<span class="tile-icon" aria-hidden="true">${t.icon}</span>` : null}<span>${t.name}</span></a></li>`)}</ul>`
        }
        <h2>Your directories</h2>
        ${
          directories.length === 0
            ? html`<p>Your account is not connected to any directory.</p>`
            : html`<ul class="directories">${directories.map((d) => html`<li><strong>${d.label}</strong>: ${d.words}</li>`)}</ul>`
        }
        <h2>Updating</h2>
        <div role="status" class="updating">
          ${
            updating
              ? html`<ul>${view.updating.map((u) => html`<li>Updating… ${u.label}</li>`)}</ul><p class="hint">This page reloads by itself until every directory is up to date.</p>`
              : html`<p>Nothing is being updated right now.</p>`
          }
        </div>
        <h2>Notifications</h2>
        ${
          view.groups.length === 0
            ? html`<p>No recent notifications.</p>`
            : html`${view.groups.map(
                (g, i) => html`<section class="notification-group" aria-labelledby=${`notification-group-${String(i)}`}>
                  <h3 id=${`notification-group-${String(i)}`}>${g.heading}:</h3>
                  <ul class="notifications">${g.notifications.map((n) => html`<li>${n.message}</li>`)}</ul>
                  ${ButtonForm({
                    action: '/portal/notifications/dismiss',
                    csrf: csrfToken,
                    label: html`Dismiss${Hidden({ children: ` these (${g.heading})` })}`,
                    values: { group: g.id },
                    className: 'secondary',
                  })}
                </section>`,
              )}
            ${ButtonForm({ action: '/portal/notifications/dismiss', csrf: csrfToken, label: 'Dismiss all', className: 'secondary' })}`
        }
        <h2>Your password</h2>
        <p><a href="/portal/password">Change your password</a></p>
        ${ButtonForm({ action: '/portal/logout', csrf: reply.generateCsrf(), label: 'Log out', className: 'secondary' })}`,
      }),
    );
  });
};
