// A push's "why" in the console: the changes that caused it, the login that carried the password, its outcome.
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance } from 'fastify';
import type { HostApp } from '../../app/hostApp.js';
import { causeWords, failureWords, pushReasonWords, pushWhatWords } from '../../app/words.js';
import { externalChangeWords } from '@takeover/engine';
import type { Cause } from '@takeover/engine';
import { ConsolePage, sendConsoleProblem } from './adminCommon.js';
import type { VNode } from './html.js';
import { html } from './html.js';
import { param, sendPage } from './support.js';
import { Time } from './ui.js';

const CauseText = ({ cause }: { readonly cause: Cause }): VNode =>
  html`<span>${causeWords(cause)} ${Time({ at: cause.at })}</span>` as VNode;

export const registerAdminPushes = (server: FastifyInstance, app: HostApp): void => {
  server.get('/admin/pushes/:pushId', async (request, reply) => {
    const why = await app.admin.why(param(request, 'pushId'));
    if (E.isLeft(why)) return sendConsoleProblem(app, reply, why.left, 'Push not found');
    const { push, causes, carriedBy, startedAt, outcome } = why.right;
    const userHref = `/admin/users/${encodeURIComponent(push.userId)}`;
    const [user, directories] = await Promise.all([app.admin.getUser(push.userId), app.admin.directories()]);
    const userText = E.isRight(user) ? `${user.right.displayName} (${user.right.email})` : push.userId;
    const directoryText = directories.find((d) => d.id === push.directoryId)?.label ?? push.directoryId;
    // R16 in one sentence: "Changed in Microsoft 365 (…) outside the portal on …; set back at the login on …".
    const changed = push.reason === 'external-change' ? causes.find((c) => c.changedAt !== undefined)?.changedAt : undefined;
    const outside =
      changed === undefined
        ? undefined
        : externalChangeWords({
            directory: directoryText,
            changedAt: changed,
            ...(outcome?.status === 'succeeded' ? { setBackAt: carriedBy?.at ?? outcome.at } : {}),
          });
    return sendPage(
      reply,
      ConsolePage({
        app,
        reply,
        title: 'Why this push',
        children: html`<h1>Why this push happened</h1>
        <dl class="facts">
          <dt>User</dt><dd><a href=${userHref}>${userText}</a></dd>
          <dt>Directory</dt><dd>${directoryText}</dd>
          <dt>Account there</dt><dd><code>${push.externalKey}</code></dd>
          <dt>What</dt><dd>${pushWhatWords(push)}</dd>
          <dt>Reason</dt><dd>${pushReasonWords(push.reason).replace(/^./, (c) => c.toUpperCase())}</dd>
          <dt>Ends sessions there</dt><dd>${push.revokeSessions ? 'Yes' : 'No'}</dd>
          <dt>Started</dt><dd>${Time({ at: startedAt })}</dd>
          <dt>Outcome</dt><dd>${outcome === undefined ? 'Not finished' : outcome.status === 'succeeded' ? html`Succeeded ${Time({ at: outcome.at })}` : html`Failed: ${failureWords(outcome.failure.class)}. The directory said: ${outcome.failure.message} ${Time({ at: outcome.at })}`}</dd>
        </dl>
        ${outside === undefined ? null : html`<p class="summary">${outside}.</p>`}
        <h2>Causes</h2>
        ${causes.length === 0 ? html`<p>No recorded change (the first push after binding).</p>` : html`<ol>${causes.map((c) => html`<li>${CauseText({ cause: c })}</li>`)}</ol>`}
        <h2>Carried by</h2>
        <p>${carriedBy === undefined ? 'No login: this push needed no password.' : CauseText({ cause: carriedBy })}</p>
        <p><a href=${userHref}>Back to the user</a></p>`,
      }),
      200,
    );
  });
};
