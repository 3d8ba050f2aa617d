// `/`: what this demo is, where to go, the seeded directory accounts and a short walkthrough.
import type { FastifyInstance } from 'fastify';
import type { HostApp } from '../../app/hostApp.js';
import { html } from './html.js';
import { sendPage, takeFlash } from './support.js';
import { Layout } from './ui.js';

export const registerHome = (server: FastifyInstance, app: HostApp): void => {
  server.get('/', async (request, reply) => {
    const demo = app.demo;
    const seeded = demo?.seededUsers() ?? [];
    const directories = await app.admin.directories();
    const labelOf = (id: string) => directories.find((d) => d.id === id)?.label ?? id;
    return sendPage(
      reply,
      Layout({
        app,
        title: 'Home',
        section: 'home',
        flash: takeFlash(request, reply, app),
        children: html`<h1>${app.settings.platformName}</h1>
        <p>
          An identity platform built on Takeover. When a user logs in or changes their password here, the platform
          sets the same password in each directory the user is bound to (Google Workspace, Microsoft 365), so the
          company can move its people onto the platform without asking anyone to reset anything.
        </p>
        <ul>
          <li>The portal, for users: <a href="/portal/login">log in</a>, activate an account, change a password.</li>
          <li>The admin console, for administrators: <a href="/admin">manage users and directories</a>, the push policy, and why each push happened.</li>
          ${demo?.outbox === true ? html`<li>The outbox (admin only): <a href="/mail">read the captured emails</a> the host sent.</li>` : null}
          ${demo === undefined ? null : html`<li><a href="/check">Check a directory</a>: whether an emulated directory accepts a password now.</li>`}
        </ul>

        <h2>Directories</h2>
        <ul>${directories.map((d) => html`<li>${d.label}: ${d.mode === 'emulator' ? 'emulated in this process' : 'a real tenant'}</li>`)}</ul>

        ${
          demo === undefined
            ? null
            : html`<h2>The demo directory accounts</h2>
          <p>These people already have accounts (with old passwords nobody here knows) in the emulated directories:</p>
          <table>
            <caption>Seeded directory accounts</caption>
            <thead><tr><th scope="col">Email</th><th scope="col">Directories</th></tr></thead>
            <tbody>${seeded.map((u) => html`<tr><td>${u.email}</td><td>${u.directories.map(labelOf).join(', ')}</td></tr>`)}</tbody>
          </table>

          <h2>Try it</h2>
          <ol>
            <li>Log in to the admin console with the admin account printed in the host's output at its first start.</li>
            <li>Create a user with one of the emails above (for example ${seeded[0]?.email ?? 'ada@example.com'}), and bind both directories. Give a password, or leave it empty to send an activation email.</li>
            <li>Open Mail: the user got a welcome email, or an activation link to set the password.</li>
            <li>Log in to the portal as that user: the platform pushes the password to each directory, and the portal shows one notification per directory.</li>
            <li>Check a directory: the emulated directories now accept the new password, and the user's sessions there were ended.</li>
          </ol>
          <p>Scripts can do the same check: <code>POST /demo/directories/google/verify</code> with <code>{"userKey":"ada@example.com","password":"…"}</code>.</p>`
        }`,
      }),
    );
  });
};
