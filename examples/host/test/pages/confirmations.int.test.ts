// Issue 14's confirmations through the real server (plain form posts): unbinding and suspending a
// user whose accounts are linked first show a page naming what happens in each directory, and
// change nothing until confirmed; a confirmation sent twice at once (a double click, two tabs)
// has one outcome, for a single user and for a bulk action; a bulk action on the rows selected in
// the list changes those users only.
import { randomBytes } from 'node:crypto';
import { startTestHost, type TestHost } from '../support/testHost.js';
import { csrfOf, type Page } from '../support/formClient.js';
import { adminApi, adminConsole } from '../support/admin.js';
import { eventually } from '../support/eventually.js';
import { createUser } from '../support/users.js';

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost({ server: { authRateLimit: { max: 1_000, timeWindowMs: 60_000 } } });
}, 60_000);
afterAll(async () => {
  await host.close();
});

const GOOGLE = 'Google Workspace (example.com)';
const MICROSOFT = 'Microsoft 365 (example.com)';

const api = adminApi(() => host);

interface UserBody {
  readonly state: string;
  readonly directories: ReadonlyArray<string>;
  readonly bindings: ReadonlyArray<{ readonly directoryId: string; readonly state: string }>;
}
const userOf = async (id: string): Promise<UserBody> => (await api('GET', `/api/users/${id}`)).json as UserBody;

/** An active user with a password, bound to both directories, once both accounts are linked. */
const linkedUser = async (email: string): Promise<string> => {
  const id = await createUser(host, {
    email,
    givenName: 'Mary',
    familyName: 'Jackson',
    password: 'Correct-Horse-42-battery',
    directories: ['google', 'microsoft'],
  });
  await eventually(
    'both accounts linked',
    async () => {
      const u = await userOf(id);
      return u;
    },
    (u) => u.bindings.length === 2 && u.bindings.every((b) => b.state !== 'resolving'),
  );
  return id;
};

const confirmOf = (page: Page): string => /<p role="alert" class="confirm">([^<]*)<\/p>/.exec(page.body)?.[1] ?? '';
const hiddens = (page: Page, action: string): Record<string, string[]> => {
  const form = new RegExp(`<form method="post" action="${action}">([\\s\\S]*?)</form>`).exec(page.body)?.[1] ?? '';
  const fields: Record<string, string[]> = {};
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g))
    fields[m[1] ?? ''] = [...(fields[m[1] ?? ''] ?? []), (m[2] ?? '').replace(/&amp;/g, '&')];
  return fields;
};

test('unbind and suspend ask first, naming the account in each directory; nothing changes until confirmed', async () => {
  const email = `mary-${randomBytes(3).toString('hex')}@example.com`;
  const id = await linkedUser(email);
  const admin = await adminConsole(host);
  const userPath = `/admin/users/${encodeURIComponent(id)}`;

  const unbind = await admin.submit(userPath, `${userPath}/unbind`, { directoryId: 'google' });
  expect(unbind.status).toBe(200);
  expect(unbind.body).toContain(`<h1>Unbind from ${GOOGLE}?</h1>`);
  expect(confirmOf(unbind)).toBe(`This also suspends ${email} in ${GOOGLE}.`);
  const suspend = await admin.submit(userPath, `${userPath}/state`, { state: 'suspended' });
  expect(suspend.status).toBe(200);
  expect(confirmOf(suspend)).toBe(`This also suspends ${email} in ${GOOGLE} and ${MICROSOFT}.`);
  // Asking changed nothing.
  expect(await userOf(id)).toMatchObject({ state: 'active', directories: ['google', 'microsoft'] });

  // The unbind confirmed from two tabs at once: unbound once, one entry in the audit log.
  const confirmed = await Promise.all(
    [unbind, unbind].map((page) => admin.post(`${userPath}/unbind`, { ...hiddens(page, `${userPath}/unbind`), _csrf: csrfOf(page.body) })),
  );
  expect(confirmed.filter((p) => p.status === 303)).not.toHaveLength(0);
  for (const p of confirmed) expect([303, 409]).toContain(p.status);
  expect(await userOf(id)).toMatchObject({ state: 'active', directories: ['microsoft'] });
  const audit = (await api('GET', `/api/users/${id}/audit`)).json as { entries: Array<{ type: string }> };
  expect(audit.entries.filter((e) => /unbound/i.test(e.type))).toHaveLength(1);

  // Suspending now names only the directory still bound.
  const again = await admin.submit(userPath, `${userPath}/state`, { state: 'suspended' });
  expect(confirmOf(again)).toBe(`This also suspends ${email} in ${MICROSOFT}.`);
});

test('a bulk action confirmed twice at once (double click) starts one job; confirmed from two tabs, each user changes once', async () => {
  const tag = `bulkdup-${randomBytes(3).toString('hex')}`;
  for (let i = 0; i < 3; i++) await createUser(host, { email: `${tag}-${String(i)}@example.com`, givenName: 'B', familyName: 'D' });
  const admin = await adminConsole(host);
  const preview = async () =>
    admin.submit('/admin/users', '/admin/bulk/preview', { action: 'bind', directoryId: 'google', scope: 'filter', 'filter.text': tag });
  const first = await preview();
  expect(first.status).toBe(200);
  expect(first.body).toContain(`This binds 3 users to ${GOOGLE}.`);
  const fields = hiddens(first, '/admin/bulk');
  expect(fields.key).toHaveLength(1);
  const form = { ...fields, _csrf: csrfOf(first.body) };

  const clicks = await Promise.all([admin.post('/admin/bulk', form), admin.post('/admin/bulk', form)]);
  expect(clicks.map((c) => c.status)).toEqual([303, 303]);
  expect(clicks[1]?.location).toBe(clicks[0]?.location);
  const jobPath = clicks[0]?.location ?? '';
  expect(jobPath).toMatch(/^\/admin\/jobs\//);

  // A second tab previews and confirms the same action (another key): nobody is bound twice.
  const second = await preview();
  const other = await admin.post('/admin/bulk', { ...hiddens(second, '/admin/bulk'), _csrf: csrfOf(second.body) });
  expect(other.status).toBe(303);
  for (const path of new Set([jobPath, other.location ?? ''])) {
    const jobId = decodeURIComponent(path.replace(/^\/admin\/jobs\//, ''));
    await eventually(
      `job ${jobId}`,
      async () => {
        const job = (await api('GET', `/api/jobs/${encodeURIComponent(jobId)}`)).json as { state: string; failed: number };
        return job;
      },
      (job) => job.state === 'done',
    );
  }
  const users = (await api('GET', `/api/users?q=${tag}&limit=10`)).json as { users: Array<{ id: string }> };
  expect(users.users).toHaveLength(3);
  for (const u of users.users) {
    expect((await userOf(u.id)).directories).toEqual(['google']);
    const audit = (await api('GET', `/api/users/${u.id}/audit`)).json as { entries: Array<{ type: string }> };
    expect(audit.entries.filter((e) => /bound/i.test(e.type) && !/unbound/i.test(e.type))).toHaveLength(1);
  }
});

test('a bulk action on the rows selected in the list previews and changes those users only; no selection is refused with what to do', async () => {
  const tag = `pick-${randomBytes(3).toString('hex')}`;
  for (let i = 0; i < 3; i++) await createUser(host, { email: `${tag}-${String(i)}@example.com`, givenName: 'P', familyName: 'K' });
  const admin = await adminConsole(host);
  const list = await admin.get(`/admin/users?text=${tag}`);
  const rows = [...list.body.matchAll(/<input type="checkbox" name="userIds" value="([^"]+)" aria-label="Select ([^"]+)"\/>/g)].map(
    (m) => ({
      id: m[1] ?? '',
      email: m[2] ?? '',
    }),
  );
  expect(rows.map((r) => r.email)).toEqual([0, 1, 2].map((i) => `${tag}-${String(i)}@example.com`));
  const picked = [rows[0], rows[2]].map((r) => r?.id ?? '');

  const none = await admin.post('/admin/bulk/preview', { _csrf: csrfOf(list.body), action: 'suspend', scope: 'selected' });
  expect(none.status).toBe(400);
  expect(none.body).toContain('Select at least one user, or choose “everything matching this filter”.');

  const preview = await admin.post('/admin/bulk/preview', {
    _csrf: csrfOf(list.body),
    action: 'suspend',
    scope: 'selected',
    userIds: picked,
  });
  expect(preview.status).toBe(200);
  expect(preview.body).toContain('2 users targeted: 2 will change, 0 will be skipped.');
  for (const r of rows) expect(preview.body.includes(`<td>${r.email}</td>`)).toBe(r.id !== rows[1]?.id);
  expect(await Promise.all(rows.map(async (r) => (await userOf(r.id)).state))).toEqual(['active', 'active', 'active']);

  const started = await admin.post('/admin/bulk', { ...hiddens(preview, '/admin/bulk'), _csrf: csrfOf(preview.body) });
  expect(started.status).toBe(303);
  const jobId = decodeURIComponent((started.location ?? '').replace(/^\/admin\/jobs\//, ''));
  const job = await eventually(
    `job ${jobId}`,
    async () => {
      const j = (await api('GET', `/api/jobs/${encodeURIComponent(jobId)}`)).json as { state: string; total: number; failed: number };
      return j;
    },
    (j) => j.state === 'done',
  );
  expect(job).toMatchObject({ total: 2, failed: 0 });
  expect(await Promise.all(rows.map(async (r) => (await userOf(r.id)).state))).toEqual(['suspended', 'active', 'suspended']);
});
