// The console's new-user form: attributes, state, an optional password, the directories to bind.
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { DirectoryView, HostApp, Problem } from '../../app/hostApp.js';
import { decodeCreateUser } from '../../app/inputs.js';
import { statusOf } from '../problem.js';
import { adminOf } from '../sessions.js';
import { ConsolePage } from './adminCommon.js';
import { ATTRIBUTES, attributeFields, errorsOf } from './adminUserFields.js';
import type { VNode } from './html.js';
import { html } from './html.js';
import type { Form } from './support.js';
import { csrfCheck, field, fieldOf, fields, formOf, redirectWithFlash, said, sendPage } from './support.js';
import { Csrf, ErrorMessage, Field } from './ui.js';

const newUserPage = (
  app: HostApp,
  reply: FastifyReply,
  directories: ReadonlyArray<DirectoryView>,
  form: Form,
  problem?: Problem,
): VNode => {
  const errors = errorsOf(problem);
  const state = field(form, 'state') === 'staged' ? 'staged' : 'active';
  const chosen = fields(form, 'directories');
  const passwordError = problem !== undefined && fieldOf(problem) === 'password' ? `Password ${said(problem)}` : undefined;
  return ConsolePage({
    app,
    reply,
    title: 'New user',
    children: html`<h1>New user</h1>
      <form method="post" action="/admin/users/new" novalidate>
        ${Csrf({ token: reply.generateCsrf() })}
        ${ErrorMessage({ id: 'create-error', message: errors.form })}
        ${attributeFields((name) => field(form, name), errors.field)}
        <fieldset>
          <legend>State</legend>
          <label class="choice"><input type="radio" name="state" value="active" checked=${state === 'active'} /> Active</label>
          <label class="choice"><input type="radio" name="state" value="staged" checked=${state === 'staged'} /> Staged (cannot log in yet)</label>
        </fieldset>
        ${Field({ id: 'password', name: 'password', label: 'Password', type: 'password', autocomplete: 'new-password', error: passwordError, hint: 'Leave empty to let the user set their own from an activation email (sent once the user is active and bound to a directory).' })}
        <fieldset>
          <legend>Bind directories</legend>
          ${directories.map((d) => html`<label class="choice"><input type="checkbox" name="directories" value=${d.id} checked=${chosen.includes(d.id)} /> ${d.label}</label>`)}
        </fieldset>
        <button type="submit">Create user</button>
      </form>`,
  });
};

export const registerAdminUserNew = (server: FastifyInstance, app: HostApp): void => {
  const csrf = csrfCheck(server);
  // ── Create ─────────────────────────────────────────────────────────────────────────────────
  server.get('/admin/users/new', async (request, reply) => {
    return sendPage(reply, newUserPage(app, reply, await app.admin.directories(), { state: 'active' }));
  });

  server.post('/admin/users/new', { preHandler: csrf }, async (request, reply) => {
    const by = adminOf(request);
    const form = formOf(request.body);
    const input: Record<string, unknown> = { state: field(form, 'state') || 'active' };
    for (const a of ATTRIBUTES) {
      const v = field(form, a.name);
      if (a.required || v.trim() !== '') input[a.name] = v;
    }
    if (field(form, 'password') !== '') input.password = field(form, 'password');
    const chosen = fields(form, 'directories');
    if (chosen.length > 0) input.directories = chosen;
    const { password: _dropped, ...kept } = form;
    const redisplay = async (problem: Problem) =>
      sendPage(reply, newUserPage(app, reply, await app.admin.directories(), kept, problem), statusOf(problem));
    const decoded = decodeCreateUser(input);
    if (E.isLeft(decoded)) return redisplay(decoded.left);
    const created = await app.admin.createUser(by, decoded.right);
    if (E.isLeft(created)) {
      const p = created.left;
      return redisplay(
        p.kind === 'conflict' && p.reason.includes('email') ? { kind: 'invalid', field: 'email', reason: 'is taken by another user' } : p,
      );
    }
    const made = decoded.right;
    const mailNote =
      made.password !== undefined
        ? ''
        : made.state === 'active' && (made.directories ?? []).length > 0
          ? ' An activation email was sent.'
          : ' The activation email goes out once the user is active and bound to a directory.';
    return redirectWithFlash(
      reply,
      app,
      `/admin/users/${encodeURIComponent(created.right.id)}`,
      `User ${decoded.right.email} created.${mailNote}`,
    );
  });
};
