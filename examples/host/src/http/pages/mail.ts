// /mail: the demo outbox in the browser, newest first, and one mail as text whose http(s) URLs
// are real links (so the activation link can be followed). The mail's HTML is not rendered: the
// text part says the same, and rendering foreign HTML in this origin would bypass its protections.
import type { FastifyInstance } from 'fastify';
import type { CapturedMail, DemoService, HostApp } from '../../app/hostApp.js';
import type { Markup } from './html.js';
import { html } from './html.js';
import { sendNotFoundPage } from './errors.js';
import { param, sendPage } from './support.js';
import { Layout, Time } from './ui.js';

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/g;

/** The text with each http(s) URL turned into a link; everything else stays text (escaped). */
export const linkify = (text: string): ReadonlyArray<Markup> => {
  const out: Markup[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    // A sentence's closing punctuation is not part of the link.
    const url = match[0].replace(/[.,;:!?)\]]+$/, '');
    const at = match.index;
    if (at > last) out.push(text.slice(last, at));
    out.push(html`<a href=${url}>${url}</a>`);
    last = at + url.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
};

/** Only when the outbox is served (demo mode), and only to the admin console's session (issue 17 #7). */
export const registerMailPages = (server: FastifyInstance, app: HostApp, demo: DemoService): void => {
  if (!demo.outbox) return;
  server.get('/mail', async (_request, reply) => {
    const mails = await demo.mail();
    return sendPage(
      reply,
      Layout({
        app,
        title: 'Mail',
        section: 'mail',
        children: html`<h1>Mail</h1>
        <p>Every email the host sent, captured here instead of being delivered (the demo's outbox). Newest first.</p>
        ${
          mails.length === 0
            ? html`<p role="status">No mail yet.</p>`
            : html`<table>
          <caption>Captured mail</caption>
          <thead><tr><th scope="col">Sent</th><th scope="col">To</th><th scope="col">Subject</th></tr></thead>
          <tbody>${mails.map((m) => html`<tr><td>${Time({ at: m.sentAt })}</td><td>${m.to}</td><td><a href=${`/mail/${encodeURIComponent(m.id)}`}>${m.subject}</a></td></tr>`)}</tbody>
        </table>`
        }`,
      }),
    );
  });

  server.get('/mail/:id', async (request, reply) => {
    const id = param(request, 'id');
    const mail: CapturedMail | undefined = (await demo.mail()).find((m) => m.id === id);
    if (mail === undefined) return sendNotFoundPage(app, reply, 'There is no such mail in the outbox.');
    return sendPage(
      reply,
      Layout({
        app,
        title: mail.subject,
        section: 'mail',
        children: html`<h1>${mail.subject}</h1>
        <dl class="facts">
          <dt>To</dt><dd>${mail.to}</dd>
          <dt>Sent</dt><dd>${Time({ at: mail.sentAt })}</dd>
        </dl>
        <h2>Message</h2>
        <pre class="mail">${linkify(mail.text)}</pre>
        <p class="hint">The HTML version of this mail is not shown here; the text says the same.</p>
        <p><a href="/mail">Back to the mail</a></p>`,
      }),
    );
  });
};
