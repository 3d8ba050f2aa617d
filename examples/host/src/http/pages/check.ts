// /check (demo only): does an emulated directory accept this password for that account now, and
// when were the account's sessions there last ended? The form's page is the only one that sees
// the password; the answer never repeats it.
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { DemoService, DirectoryView, HostApp } from '../../app/hostApp.js';
import { decodeVerify } from '../../app/inputs.js';
import { statusOf } from '../problem.js';
import type { VNode } from './html.js';
import { html } from './html.js';
import { csrfCheck, field, formOf, retryAfter, said, sendPage } from './support.js';
import { Csrf, ErrorMessage, Field, Layout, Time } from './ui.js';

export const registerCheckPage = (server: FastifyInstance, app: HostApp, demo: DemoService): void => {
  const csrf = csrfCheck(server);
  const emulated = async (): Promise<ReadonlyArray<DirectoryView>> => (await app.admin.directories()).filter((d) => d.mode === 'emulator');

  const page = (
    reply: FastifyReply,
    directories: ReadonlyArray<DirectoryView>,
    props: { readonly directoryId?: string; readonly userKey?: string; readonly error?: string; readonly result?: VNode },
  ): VNode =>
    Layout({
      app,
      title: 'Check a directory',
      section: 'home',
      children: html`<h1>Check a directory</h1>
        <p>Ask an emulated directory whether it accepts a password for one of its accounts, and when that account's sessions were last ended.</p>
        ${props.result === undefined ? null : html`<div role="status" class="flash">${props.result}</div>`}
        <form method="post" action="/check" novalidate>
          ${Csrf({ token: reply.generateCsrf() })}
          ${ErrorMessage({ id: 'check-error', message: props.error })}
          <div class="field">
            <label for="directoryId">Directory</label>
            <select id="directoryId" name="directoryId">
              ${directories.map((d) => html`<option value=${d.id} selected=${props.directoryId === d.id}>${d.label}</option>`)}
            </select>
          </div>
          ${Field({ id: 'userKey', name: 'userKey', label: 'Account email', type: 'email', value: props.userKey, required: true, autocomplete: 'off' })}
          ${Field({ id: 'password', name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'off' })}
          <button type="submit">Check</button>
        </form>`,
    });

  server.get('/check', async (_request, reply) => sendPage(reply, page(reply, await emulated(), {})));

  server.post('/check', { preHandler: csrf, config: server.authRateLimit }, async (request, reply) => {
    const form = formOf(request.body);
    const directoryId = field(form, 'directoryId');
    const userKey = field(form, 'userKey').trim();
    const directories = await emulated();
    const decoded = decodeVerify({ userKey, password: field(form, 'password') });
    if (E.isLeft(decoded))
      return sendPage(
        reply,
        page(reply, directories, {
          directoryId,
          userKey,
          error: `The ${decoded.left.kind === 'invalid' && decoded.left.field === 'password' ? 'password' : 'account email'} ${said(decoded.left)}`,
        }),
        400,
      );
    const verified = await demo.verify(directoryId, decoded.right.userKey, decoded.right.password);
    if (E.isLeft(verified)) {
      retryAfter(reply, verified.left);
      return sendPage(
        reply,
        page(reply, directories, { directoryId, userKey, error: `Cannot check: ${said(verified.left)}` }),
        statusOf(verified.left),
      );
    }
    const label = directories.find((d) => d.id === directoryId)?.label ?? directoryId;
    const { matches, sessionsRevokedAt } = verified.right;
    const result = html`<p><strong>${label} ${matches ? 'accepts' : 'does not accept'} this password for ${userKey}.</strong></p>
      <p>${sessionsRevokedAt === null ? 'Its sessions there were never ended.' : html`Its sessions there were last ended ${Time({ at: sessionsRevokedAt })}.`}</p>` as VNode;
    return sendPage(reply, page(reply, directories, { directoryId, userKey, result }));
  });
};
