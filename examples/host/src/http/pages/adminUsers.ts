// The console's users: the list with search and paging, create, and one user's page (attributes,
// state, bindings with their per-directory status, pushes with their "why", the audit log).
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AttributeChanges, DirectoryView, HostApp, Problem, UserView } from '../../app/HostApp.js';
import { decodeAttributeChanges, decodeCreateUser } from '../../app/inputs.js';
import { reasonOf } from '../problem.js';
import { ConsolePage, problemStatus, requireAdmin, sendConsoleProblem, syncStateText } from './adminCommon.js';
import type { VNode } from './html.js';
import { html } from './html.js';
import type { Form } from './support.js';
import { csrfCheck, field, fieldOf, fields, formOf, param, queryParam, redirectWithFlash, said, sendPage, takeFlash } from './support.js';
import { ButtonForm, Csrf, ErrorMessage, Field, Hidden, Time } from './ui.js';

const PAGE_SIZE = 20;

/** The attributes a console form edits, with their labels (the stable accessible names). */
const ATTRIBUTES = [
  { name: 'email', label: 'Email', required: true, type: 'email', autocomplete: 'off' },
  { name: 'givenName', label: 'Given name', required: true, type: 'text', autocomplete: 'off' },
  { name: 'familyName', label: 'Family name', required: true, type: 'text', autocomplete: 'off' },
  { name: 'displayName', label: 'Display name', required: false, type: 'text', autocomplete: 'off' },
  { name: 'jobTitle', label: 'Job title', required: false, type: 'text', autocomplete: 'off' },
  { name: 'department', label: 'Department', required: false, type: 'text', autocomplete: 'off' },
  { name: 'mobilePhone', label: 'Mobile phone', required: false, type: 'tel', autocomplete: 'off' },
  { name: 'officeLocation', label: 'Office location', required: false, type: 'text', autocomplete: 'off' },
  { name: 'employeeId', label: 'Employee ID', required: false, type: 'text', autocomplete: 'off' },
] as const;

type AttributeName = (typeof ATTRIBUTES)[number]['name'];

const attributeFields = (values: (name: AttributeName) => string | undefined, errorFor: (name: string) => string | undefined) =>
  ATTRIBUTES.map((a) =>
    Field({
      id: a.name,
      name: a.name,
      label: a.label,
      type: a.type,
      value: values(a.name),
      required: a.required,
      autocomplete: a.autocomplete,
      error: errorFor(a.name),
    }),
  );

/** A problem's message for one input (when it names that input) or for the whole form. */
const errorsOf = (problem: Problem | undefined) => ({
  field: (name: string): string | undefined =>
    problem !== undefined && fieldOf(problem) === name
      ? `${ATTRIBUTES.find((a) => a.name === name)?.label ?? name} ${said(problem)}`
      : undefined,
  form:
    problem === undefined
      ? undefined
      : problem.kind === 'invalid'
        ? 'Some values are not valid; see the messages below.'
        : `Not saved: ${said(problem)}`,
});

export const registerAdminUsers = (server: FastifyInstance, app: HostApp): void => {
  const csrf = csrfCheck(server);
  // ── The list ───────────────────────────────────────────────────────────────────────────────
  server.get('/admin', async (request, reply) => {
    const by = await requireAdmin(request, reply, app);
    if (by === undefined) return reply;
    const q = queryParam(request, 'q').slice(0, 200);
    const pageNumber = Math.max(1, Math.min(100_000, Number.parseInt(queryParam(request, 'page'), 10) || 1));
    const result = await app.admin.searchUsers({ ...(q === '' ? {} : { q }), limit: PAGE_SIZE, offset: (pageNumber - 1) * PAGE_SIZE });
    const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
    const link = (p: number) => `/admin?${new URLSearchParams({ ...(q === '' ? {} : { q }), page: String(p) }).toString()}`;
    return sendPage(
      reply,
      ConsolePage({
        app,
        reply,
        title: 'Users',
        flash: takeFlash(request, reply, app),
        children: html`<h1>Users</h1>
        <form method="get" action="/admin" role="search">
          <div class="field">
            <label for="q">Search users</label>
            <p class="hint" id="q-hint">By email, given name, family name or display name.</p>
            <input id="q" name="q" type="search" value=${q} aria-describedby="q-hint" />
          </div>
          <button type="submit">Search</button>
        </form>
        <p role="status">${result.total === 0 ? 'No users found.' : `${String(result.total)} user${result.total === 1 ? '' : 's'}${q === '' ? '' : ` matching “${q}”`}, page ${String(pageNumber)} of ${String(pages)}.`}</p>
        <p><a href="/admin/users/new">New user</a></p>
        ${
          result.users.length === 0
            ? null
            : html`<table>
          <caption>Users</caption>
          <thead><tr><th scope="col">Email</th><th scope="col">Name</th><th scope="col">State</th><th scope="col">Password</th><th scope="col">Directories</th></tr></thead>
          <tbody>
            ${result.users.map(
              (u) => html`<tr>
              <td><a href=${`/admin/users/${encodeURIComponent(u.id)}`}>${u.email}</a></td>
              <td>${u.displayName}</td><td>${u.state}</td><td>${u.passwordStatus}</td><td>${u.directories.join(', ') || '—'}</td>
            </tr>`,
            )}
          </tbody>
        </table>`
        }
        <nav aria-label="Pages" class="pager">
          ${pageNumber > 1 ? html`<a href=${link(pageNumber - 1)} rel="prev">Previous page</a>` : null}
          ${pageNumber < pages ? html`<a href=${link(pageNumber + 1)} rel="next">Next page</a>` : null}
        </nav>`,
      }),
    );
  });

  // ── Create ─────────────────────────────────────────────────────────────────────────────────
  const newUserPage = (reply: FastifyReply, directories: ReadonlyArray<DirectoryView>, form: Form, problem?: Problem): VNode => {
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

  server.get('/admin/users/new', async (request, reply) => {
    const by = await requireAdmin(request, reply, app);
    if (by === undefined) return reply;
    return sendPage(reply, newUserPage(reply, await app.admin.directories(), { state: 'active' }));
  });

  server.post('/admin/users/new', { preHandler: csrf }, async (request, reply) => {
    const by = await requireAdmin(request, reply, app);
    if (by === undefined) return reply;
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
      sendPage(reply, newUserPage(reply, await app.admin.directories(), kept, problem), problemStatus(problem));
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

  // ── One user ───────────────────────────────────────────────────────────────────────────────
  const userPage = async (
    reply: FastifyReply,
    user: UserView,
    props: { readonly flash?: string | undefined; readonly form?: Form; readonly problem?: Problem },
  ): Promise<VNode> => {
    const [audit, directories] = await Promise.all([app.admin.audit(user.id), app.admin.directories()]);
    const csrf = reply.generateCsrf();
    const base = `/admin/users/${encodeURIComponent(user.id)}`;
    const errors = errorsOf(props.problem);
    const current = (name: AttributeName): string | undefined =>
      props.form !== undefined ? field(props.form, name) : (user.attributes as Readonly<Partial<Record<AttributeName, string>>>)[name];
    const bound = new Map(user.bindings.map((b) => [b.directoryId as string, b]));
    const labelOf = (id: string | undefined): string => (id === undefined ? '—' : (directories.find((d) => d.id === id)?.label ?? id));
    const stateButtons = (
      [
        ['active', 'Activate'],
        ['suspended', 'Suspend'],
        ['staged', 'Stage'],
      ] as const
    ).filter(([s]) => s !== user.state);
    return ConsolePage({
      app,
      reply,
      title: user.displayName,
      flash: props.flash,
      children: html`<h1>${user.displayName}</h1>
        <dl class="facts">
          <dt>Email</dt><dd>${user.email}</dd>
          <dt>State</dt><dd>${user.state}</dd>
          <dt>Password</dt><dd>${user.passwordStatus} (version ${String(user.passwordVersion)})</dd>
          <dt>Created</dt><dd>${Time({ at: user.createdAt })}</dd>
          <dt>User id</dt><dd><code>${user.id}</code></dd>
        </dl>

        <h2 id="state-heading">State</h2>
        <p>This user is <strong>${user.state}</strong>.</p>
        ${stateButtons.map(([state, label]) => ButtonForm({ action: `${base}/state`, csrf, label, values: { state } }))}

        <h2 id="directories-heading">Directories</h2>
        <table aria-labelledby="directories-heading">
          <thead><tr><th scope="col">Directory</th><th scope="col">Status</th><th scope="col">Last synchronised</th><th scope="col">Last failure</th><th scope="col">Binding</th></tr></thead>
          <tbody>
            ${directories.map((d) => {
              const b = bound.get(d.id);
              return html`<tr>
                <th scope="row">${d.label}</th>
                <td class=${b === undefined ? undefined : `state-${b.state}`}>${b === undefined ? 'Not bound' : syncStateText(b.state)}${b?.unresolved === undefined ? null : html`<br />${b.unresolved.reason}: ${b.unresolved.detail}`}</td>
                <td>${b === undefined ? '—' : Time({ at: b.lastSuccessAt })}</td>
                <td>${b?.lastFailure === undefined ? '—' : html`${b.lastFailure.reason ?? b.lastFailure.class}: ${b.lastFailure.message} (${b.lastFailure.code}) ${Time({ at: b.lastFailure.at })}`}</td>
                <td>${
                  b === undefined
                    ? ButtonForm({
                        action: `${base}/bind`,
                        csrf,
                        label: html`Bind${Hidden({ children: ` ${d.label}` })}`,
                        values: { directoryId: d.id },
                      })
                    : ButtonForm({
                        action: `${base}/unbind`,
                        csrf,
                        label: html`Unbind${Hidden({ children: ` ${d.label}` })}`,
                        values: { directoryId: d.id },
                        className: 'secondary',
                      })
                }</td>
              </tr>`;
            })}
          </tbody>
        </table>

        <h2 id="attributes-heading">Attributes</h2>
        <form method="post" action=${`${base}/attributes`} aria-labelledby="attributes-heading" novalidate>
          ${Csrf({ token: csrf })}
          ${ErrorMessage({ id: 'attributes-error', message: errors.form })}
          ${attributeFields(current, errors.field)}
          <button type="submit">Save</button>
        </form>

        <h2 id="pushes-heading">Pushes</h2>
        ${
          E.isLeft(audit)
            ? html`<p role="alert">${reasonOf(audit.left)}</p>`
            : audit.right.pushes.length === 0
              ? html`<p>No pushes yet.</p>`
              : html`<table aria-labelledby="pushes-heading">
          <thead><tr><th scope="col">Started</th><th scope="col">Directory</th><th scope="col">What</th><th scope="col">Outcome</th><th scope="col">Why</th></tr></thead>
          <tbody>
            ${audit.right.pushes.map(
              (p) => html`<tr>
              <td>${Time({ at: p.startedAt })}</td>
              <td>${labelOf(p.push.directoryId)}</td>
              <td>${p.push.carriesPassword ? `password (version ${String(p.push.passwordVersion)}) and attributes` : 'attributes only'}; ${p.push.reason}</td>
              <td>${p.outcome === undefined ? 'in flight or not started' : p.outcome.status === 'succeeded' ? html`succeeded ${Time({ at: p.outcome.at })}` : html`failed: ${p.outcome.failure.message} ${Time({ at: p.outcome.at })}`}</td>
              <td><a href=${`/admin/pushes/${encodeURIComponent(p.push.pushId)}`}>Why${Hidden({ children: ` (push to ${p.push.directoryId} started ${p.startedAt ?? 'not yet'})` })}</a></td>
            </tr>`,
            )}
          </tbody>
        </table>`
        }

        <h2 id="audit-heading">Audit log</h2>
        ${
          E.isLeft(audit)
            ? null
            : audit.right.entries.length === 0
              ? html`<p>Nothing recorded yet.</p>`
              : html`<table aria-labelledby="audit-heading">
          <thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">By</th><th scope="col">Directory</th></tr></thead>
          <tbody>${[...audit.right.entries].reverse().map((e) => html`<tr><td>${Time({ at: e.at })}</td><td>${e.summary}</td><td>${e.by ?? '—'}</td><td>${labelOf(e.directoryId)}</td></tr>`)}</tbody>
        </table>`
        }

        <h2 id="logins-heading">Logins</h2>
        ${
          E.isLeft(audit)
            ? null
            : audit.right.logins.length === 0
              ? html`<p>No logins yet.</p>`
              : html`<table aria-labelledby="logins-heading">
          <thead><tr><th scope="col">When</th><th scope="col">Synchronised</th></tr></thead>
          <tbody>${[...audit.right.logins].reverse().map((l) => html`<tr><td>${Time({ at: l.at })}</td><td>${l.synchronised.length === 0 ? '—' : html`<ul>${l.synchronised.map((s) => html`<li>${s.label} ${Time({ at: s.at })}</li>`)}</ul>`}</td></tr>`)}</tbody>
        </table>`
        }`,
    });
  };

  server.get('/admin/users/:id', async (request, reply) => {
    const by = await requireAdmin(request, reply, app);
    if (by === undefined) return reply;
    const user = await app.admin.getUser(param(request, 'id'));
    if (E.isLeft(user)) return sendConsoleProblem(app, reply, user.left, 'User not found');
    return sendPage(reply, await userPage(reply, user.right, { flash: takeFlash(request, reply, app) }));
  });

  server.post('/admin/users/:id/attributes', { preHandler: csrf }, async (request, reply) => {
    const by = await requireAdmin(request, reply, app);
    if (by === undefined) return reply;
    const id = param(request, 'id');
    const user = await app.admin.getUser(id);
    if (E.isLeft(user)) return sendConsoleProblem(app, reply, user.left, 'User not found');
    const form = formOf(request.body);
    const before = user.right.attributes as Readonly<Partial<Record<AttributeName, string>>>;
    const changes: Record<string, string | null> = {};
    for (const a of ATTRIBUTES) {
      const raw = field(form, a.name);
      const now = raw.trim();
      if (now === (before[a.name] ?? '')) continue;
      changes[a.name] = now === '' && !a.required ? null : raw;
    }
    const redisplay = async (problem: Problem) =>
      sendPage(reply, await userPage(reply, user.right, { form, problem }), problemStatus(problem));
    if (Object.keys(changes).length === 0)
      return redirectWithFlash(reply, app, `/admin/users/${encodeURIComponent(id)}`, 'Nothing changed.');
    const decoded = decodeAttributeChanges(changes);
    if (E.isLeft(decoded)) return redisplay(decoded.left);
    const saved = await app.admin.changeAttributes(by, id, decoded.right satisfies AttributeChanges);
    if (E.isLeft(saved)) {
      const p = saved.left;
      return redisplay(
        p.kind === 'conflict' && p.reason.includes('email') ? { kind: 'invalid', field: 'email', reason: 'is taken by another user' } : p,
      );
    }
    return redirectWithFlash(
      reply,
      app,
      `/admin/users/${encodeURIComponent(id)}`,
      `Saved: ${Object.keys(decoded.right)
        .map((k) => ATTRIBUTES.find((a) => a.name === k)?.label ?? k)
        .join(', ')}.`,
    );
  });

  server.post('/admin/users/:id/state', { preHandler: csrf }, async (request, reply) => {
    const by = await requireAdmin(request, reply, app);
    if (by === undefined) return reply;
    const id = param(request, 'id');
    const state = field(formOf(request.body), 'state');
    if (state !== 'active' && state !== 'staged' && state !== 'suspended')
      return sendConsoleProblem(
        app,
        reply,
        { kind: 'invalid', field: 'state', reason: 'must be active, staged or suspended' },
        'Not changed',
      );
    const done = await app.admin.setState(by, id, state);
    if (E.isLeft(done)) return sendConsoleProblem(app, reply, done.left, done.left.kind === 'not-found' ? 'User not found' : 'Not changed');
    return redirectWithFlash(reply, app, `/admin/users/${encodeURIComponent(id)}`, `The user is now ${state}.`);
  });

  for (const action of ['bind', 'unbind'] as const) {
    server.post(`/admin/users/:id/${action}`, { preHandler: csrf }, async (request, reply) => {
      const by = await requireAdmin(request, reply, app);
      if (by === undefined) return reply;
      const id = param(request, 'id');
      const directoryId = field(formOf(request.body), 'directoryId');
      const done = await (action === 'bind' ? app.admin.bind : app.admin.unbind)(by, id, directoryId);
      if (E.isLeft(done)) return sendConsoleProblem(app, reply, done.left, done.left.kind === 'not-found' ? 'Not found' : 'Not changed');
      const label = (await app.admin.directories()).find((d) => d.id === directoryId)?.label ?? directoryId;
      return redirectWithFlash(
        reply,
        app,
        `/admin/users/${encodeURIComponent(id)}`,
        action === 'bind' ? `Bound to ${label}.` : `Unbound from ${label}.`,
      );
    });
  }
};
