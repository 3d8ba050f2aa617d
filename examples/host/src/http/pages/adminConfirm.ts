// The confirmation page a single-user action shows before changing directory accounts.
import type { FastifyReply } from 'fastify';
import type { HostApp } from '../../app/hostApp.js';
import { ConsolePage } from './adminCommon.js';
import type { VNode } from './html.js';
import { html } from './html.js';
import { Csrf } from './ui.js';

/** The confirmation a single-user action shows before changing directory accounts; re-posts with `confirm=yes`. */
export const ConfirmPage = ({
  app,
  reply,
  title,
  sentence,
  action,
  values,
  button,
}: {
  readonly app: HostApp;
  readonly reply: FastifyReply;
  readonly title: string;
  readonly sentence: string;
  readonly action: string;
  readonly values: Readonly<Record<string, string>>;
  readonly button: string;
}): VNode =>
  ConsolePage({
    app,
    reply,
    title,
    children: html`<h1>${title}</h1>
    <p role="alert" class="confirm">${sentence}</p>
    <form method="post" action=${action}>
      ${Csrf({ token: reply.generateCsrf() })}
      ${Object.entries(values).map(([k, v]) => html`<input type="hidden" name=${k} value=${v} />`)}
      <input type="hidden" name="confirm" value="yes" />
      <button type="submit">${button}</button>
      <a href=${action.replace(/\/(state|bind|unbind)$/, '')}>Cancel</a>
    </form>`,
  });
