// One user's actions from the console: a new activation link, the state, bind and unbind (each
// action that changes directory accounts or sends mail first shows its confirmation page).
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { HostApp } from '../../app/hostApp.js';
import { confirmationOf, type BulkAction } from '../../app/effects.js';
import { adminOf } from '../sessions.js';
import { sendConsoleProblem } from './adminCommon.js';
import { ConfirmPage } from './adminConfirm.js';
import type { Form } from './support.js';
import { csrfCheck, field, formOf, param, redirectWithFlash, sendPage } from './support.js';

/**
 * Before an action that changes accounts in a directory or sends mail (suspend, activate, bind,
 * unbind under `onUnbind: suspend`): the confirmation page naming the effect, from the same
 * effects function as the bulk preview. True when the page was sent (the handler returns `reply`);
 * false when there is nothing to confirm or it was confirmed. (Not the reply itself: a reply is a
 * thenable, and awaiting it would wait for the response instead of returning it.)
 */
const confirmation = async (
  app: HostApp,
  reply: FastifyReply,
  form: Form,
  what: {
    readonly action: BulkAction;
    readonly id: string;
    readonly directoryId?: string;
    readonly path: string;
    readonly title: string;
    readonly button: string;
    readonly values: Readonly<Record<string, string>>;
  },
): Promise<boolean> => {
  if (field(form, 'confirm') === 'yes') return false;
  const effects = await app.admin.effects(what.action, what.id, what.directoryId);
  if (E.isLeft(effects) || effects.right.skipped !== undefined) return false; // the action itself answers the problem
  const sentence = confirmationOf(effects.right);
  if (sentence === undefined) return false;
  void sendPage(
    reply,
    ConfirmPage({ app, reply, title: what.title, sentence, action: what.path, values: what.values, button: what.button }),
  );
  return true;
};

export const registerAdminUserActions = (server: FastifyInstance, app: HostApp): void => {
  const csrf = csrfCheck(server);
  server.post('/admin/users/:id/activation-mail', { preHandler: csrf }, async (request, reply) => {
    const by = adminOf(request);
    const id = param(request, 'id');
    const sent = await app.admin.resendActivation(by, id);
    if (E.isLeft(sent)) return sendConsoleProblem(app, reply, sent.left, sent.left.kind === 'not-found' ? 'User not found' : 'Not sent');
    return redirectWithFlash(
      reply,
      app,
      `/admin/users/${encodeURIComponent(id)}`,
      `A new activation link was sent to ${sent.right.sentTo}. Links sent before no longer work.`,
    );
  });

  server.post('/admin/users/:id/state', { preHandler: csrf }, async (request, reply) => {
    const by = adminOf(request);
    const id = param(request, 'id');
    const form = formOf(request.body);
    const state = field(form, 'state');
    if (state !== 'active' && state !== 'staged' && state !== 'suspended')
      return sendConsoleProblem(
        app,
        reply,
        { kind: 'invalid', field: 'state', reason: 'must be active, staged or suspended' },
        'Not changed',
      );
    if (state !== 'staged') {
      const action = state === 'suspended' ? 'suspend' : 'activate';
      if (
        await confirmation(app, reply, form, {
          action,
          id,
          path: `/admin/users/${encodeURIComponent(id)}/state`,
          title: state === 'suspended' ? 'Suspend this user?' : 'Activate this user?',
          button: state === 'suspended' ? 'Suspend' : 'Activate',
          values: { state },
        })
      )
        return reply;
    }
    const done = await app.admin.setState(by, id, state);
    if (E.isLeft(done)) return sendConsoleProblem(app, reply, done.left, done.left.kind === 'not-found' ? 'User not found' : 'Not changed');
    return redirectWithFlash(reply, app, `/admin/users/${encodeURIComponent(id)}`, `The user is now ${state}.`);
  });

  for (const action of ['bind', 'unbind'] as const) {
    server.post(`/admin/users/:id/${action}`, { preHandler: csrf }, async (request, reply) => {
      const by = adminOf(request);
      const id = param(request, 'id');
      const form = formOf(request.body);
      const directoryId = field(form, 'directoryId');
      const label = (await app.admin.directories()).find((d) => d.id === directoryId)?.label ?? directoryId;
      const asked = await confirmation(app, reply, form, {
        action,
        id,
        directoryId,
        path: `/admin/users/${encodeURIComponent(id)}/${action}`,
        values: { directoryId },
        title: action === 'bind' ? `Bind to ${label}?` : `Unbind from ${label}?`,
        button: action === 'bind' ? `Bind to ${label}` : `Unbind from ${label}`,
      });
      if (asked) return reply;
      const done = await (action === 'bind' ? app.admin.bind : app.admin.unbind)(by, id, directoryId);
      if (E.isLeft(done)) return sendConsoleProblem(app, reply, done.left, done.left.kind === 'not-found' ? 'Not found' : 'Not changed');
      return redirectWithFlash(
        reply,
        app,
        `/admin/users/${encodeURIComponent(id)}`,
        action === 'bind' ? `Bound to ${label}.` : `Unbound from ${label}.`,
      );
    });
  }
};
