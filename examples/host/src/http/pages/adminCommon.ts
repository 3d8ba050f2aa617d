// The admin console's shared pieces: the console page layout, a problem as a console page, and the
// words for a sync state. Who is logged in: src/http/sessions.ts; the login: src/http/login.ts.
import type { SyncState } from '@takeover/core';
import { consoleStateWords } from '../../app/words.js';
import type { FastifyReply } from 'fastify';
import type { HostApp, Problem } from '../../app/hostApp.js';
import { statusOf } from '../problem.js';
import type { Markup, VNode } from './html.js';
import { html } from './html.js';
import { retryAfter, said, sendPage } from './support.js';
import { ButtonForm, Layout } from './ui.js';

/** A console page: the layout with the console's sub-navigation and a log-out button. */
export const ConsolePage = ({
  app,
  reply,
  title,
  flash,
  refreshSeconds,
  children,
}: {
  readonly app: HostApp;
  readonly reply: FastifyReply;
  readonly title: string;
  readonly flash?: string | undefined;
  readonly children: Markup;
  /** Reloads the page (a running job's progress, without script). */
  readonly refreshSeconds?: number;
}): VNode =>
  Layout({
    app,
    title,
    section: 'admin',
    flash,
    ...(refreshSeconds === undefined ? {} : { refreshSeconds }),
    children: html`<nav aria-label="Console" class="console-nav">
        <a href="/admin">Home</a> · <a href="/admin/users">Users</a> · <a href="/admin/users/new">New user</a> · <a href="/admin/import">Import CSV</a> · <a href="/admin/directories">Directories</a>
        ${ButtonForm({ action: '/admin/logout', csrf: reply.generateCsrf(), label: 'Log out of the console', className: 'secondary' })}
      </nav>
      ${children}`,
  });

/** A console page for a problem (unknown user, push, directory…). */
export const sendConsoleProblem = (app: HostApp, reply: FastifyReply, problem: Problem, title = 'Not found'): FastifyReply => {
  retryAfter(reply, problem);
  return sendPage(
    reply,
    ConsolePage({
      app,
      reply,
      title,
      children: html`<h1>${title}</h1><p role="alert">${said(problem)}</p><p><a href="/admin">Back to the users</a></p>`,
    }),
    statusOf(problem),
  );
};

/** The core's sync state in the glossary's words (UserView.bindings[].state). */
const SYNC_STATES: ReadonlyArray<SyncState> = [
  'resolving',
  'unresolved',
  'paused',
  'awaiting-login',
  'owed',
  'in-flight',
  'failed',
  'blocked',
  'in-sync',
];

export const syncStateText = (state: string): string =>
  (SYNC_STATES as ReadonlyArray<string>).includes(state) ? consoleStateWords(state as SyncState) : state;
