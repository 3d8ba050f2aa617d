// Issue 14's admin routes over real HTTP (SQLite, emulators, outbox): POST /api/bulk (preview, job,
// idempotency, 400/401/404), GET /api/jobs/:jobId, GET /api/rollout, and
// POST /api/users/:id/activation-mail (202 / 409 / 404, the new link invalidates the old).
import { randomBytes } from 'node:crypto';
import { call, startTestHost, type TestHost } from '../support/testHost.js';
import { adminApi } from '../support/admin.js';
import { eventually } from '../support/eventually.js';
import { createUser, mailsTo, tokenIn } from '../support/users.js';

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost();
}, 60_000);
afterAll(async () => {
  await host.close();
});

const admin = adminApi(() => host);
const errorOf = (json: unknown) => (json as { error: { kind: string; field?: string; reason: string } }).error;
const PASSWORD = 'Correct-Horse-9-Battery!';

const tag = () => randomBytes(4).toString('hex');
const newUser = async (email: string, extra: Record<string, unknown> = {}): Promise<string> => {
  return createUser(host, { email, givenName: 'Bulk', familyName: 'Person', ...extra });
};

interface JobBody {
  state: string;
  done: number;
  total: number;
  failed: number;
  results: Array<{ item: string; ok: boolean; outcome: string }>;
}
const finished = (jobId: string) =>
  eventually(
    `job ${jobId}`,
    async () => {
      const res = await admin('GET', `/api/jobs/${jobId}`);
      expect(res.status).toBe(200);
      const job = res.json as JobBody;
      return job;
    },
    (job) => job.state === 'done',
  );

test('every new route needs the admin token (401)', async () => {
  for (const [method, path] of [
    ['POST', '/api/bulk'],
    ['GET', '/api/rollout'],
    ['GET', '/api/jobs/x'],
    ['POST', '/api/users/x/activation-mail'],
  ] as const) {
    const res = await call(
      host,
      method,
      path,
      method === 'POST' && path === '/api/bulk' ? { body: { action: 'suspend', userIds: ['x'] } } : {},
    );
    expect(res.status).toBe(401);
  }
});

test('POST /api/bulk refuses bad input with the field and the reason, and changes nothing', async () => {
  const id = await newUser(`bad-${tag()}@example.org`);
  const cases: Array<[unknown, number, string | undefined]> = [
    [[], 400, 'body'],
    [{ userIds: [id] }, 400, 'action'],
    [{ action: 'delete', userIds: [id] }, 400, 'action'],
    [{ action: 'bind', userIds: [id] }, 400, 'directoryId'],
    [{ action: 'suspend', directoryId: 'google', userIds: [id] }, 400, 'directoryId'],
    [{ action: 'suspend' }, 400, 'userIds'],
    [{ action: 'suspend', userIds: [] }, 400, 'userIds'],
    [{ action: 'suspend', userIds: [id, 42] }, 400, 'userIds[1]'],
    [{ action: 'suspend', userIds: [id], filter: {} }, 400, 'filter'],
    [{ action: 'suspend', filter: { sync: 'sideways' } }, 400, 'filter'],
    [{ action: 'suspend', filter: { colour: 'red' } }, 400, 'filter.colour'],
    [{ action: 'suspend', userIds: [id], dryRun: 'yes' }, 400, 'dryRun'],
    [{ action: 'suspend', userIds: [id], extra: 1 }, 400, 'extra'],
    [{ action: 'bind', directoryId: 'nowhere', userIds: [id] }, 404, undefined],
    [{ action: 'suspend', userIds: [id, 'no-such-user'] }, 404, undefined],
  ];
  for (const [body, status, field] of cases) {
    const res = await admin('POST', '/api/bulk', body);
    expect({ body, status: res.status }).toEqual({ body, status });
    if (field !== undefined) expect(errorOf(res.json).field).toBe(field);
    expect(errorOf(res.json).reason.length).toBeGreaterThan(5);
  }
  expect(errorOf((await admin('POST', '/api/bulk', { action: 'bind', directoryId: 'nowhere', userIds: [id] })).json).reason).toContain(
    'nowhere',
  );
  const bad = await admin('POST', '/api/bulk', { action: 'suspend', userIds: [id] }, { 'idempotency-key': 'has space' });
  expect(bad.status).toBe(400);
  expect(errorOf(bad.json).field).toBe('Idempotency-Key');
  expect((await admin('GET', `/api/users/${id}`)).json).toMatchObject({ state: 'active', directories: [] });
  expect((await admin('GET', '/api/jobs/no-such-job')).status).toBe(404);
});

test('a bulk bind: the dry run previews per directory and changes nothing; parallel duplicates make one job; the job binds each user once', async () => {
  const t = tag();
  const ids: string[] = [];
  for (let i = 0; i < 6; i++)
    ids.push(
      await newUser(`bind-${t}-${String(i)}@example.org`, i === 0 ? { directories: ['google'] } : i === 1 ? { password: PASSWORD } : {}),
    );
  const request = { action: 'bind', directoryId: 'google', filter: { text: `bind-${t}` } };

  const dry = await admin('POST', '/api/bulk', { ...request, dryRun: true });
  expect(dry.status).toBe(200);
  const preview = (
    dry.json as {
      preview: {
        users: number;
        changing: number;
        skipped: number;
        activationEmails: number;
        summary: string[];
        directories: Array<{ id: string; name: string; bound: number; accountsLinkedOrCreated: number; bindingEmails: number }>;
        perUser: Array<{ userId: string; skipped?: string; effects: Array<{ kind: string; text: string }> }>;
      };
    }
  ).preview;
  expect(preview).toMatchObject({ users: 6, changing: 5, skipped: 1, activationEmails: 4 });
  const google = preview.directories.find((d) => d.id === 'google');
  expect(google).toMatchObject({ bound: 5, accountsLinkedOrCreated: 5, bindingEmails: 1 });
  expect(preview.summary).toContain(`binds 5 users to ${google?.name ?? ''}`);
  expect(preview.perUser.find((u) => u.userId === ids[0])?.skipped).toMatch(/^already bound to /);
  expect(preview.perUser.find((u) => u.userId === ids[1])?.effects.map((e) => e.kind)).toEqual([
    'bound',
    'account-linked-or-created',
    'binding-email',
  ]);
  // Nothing changed.
  expect((await admin('GET', `/api/users/${ids[2]!}`)).json).toMatchObject({ directories: [] });

  const started = await Promise.all(Array.from({ length: 5 }, () => admin('POST', '/api/bulk', request)));
  expect(started.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
  const jobIds = new Set(started.map((r) => (r.json as { jobId: string }).jobId));
  expect(jobIds.size).toBe(1);
  const [jobId] = [...jobIds] as [string];
  expect(started[0]?.headers.get('location')).toBe(`/api/jobs/${jobId}`);
  const job = await finished(jobId);
  expect(job).toMatchObject({ total: 6, done: 6, failed: 0 });
  expect(job.results.map((r) => r.item).sort()).toEqual([...ids].sort());
  expect(job.results.find((r) => r.item === ids[0])?.outcome).toMatch(/^skipped: already bound/);
  for (const id of ids) expect((await admin('GET', `/api/users/${id}`)).json).toMatchObject({ directories: ['google'] });
  // One activation email per new user, however many requests: R2 and the stable command ids.
  const mails = await eventually(
    'the activation mail',
    async () => {
      const m = await mailsTo(host, `bind-${t}-3@example.org`);
      return m;
    },
    (m) => m.length > 0,
  );
  expect(mails).toHaveLength(1);

  // The same request right after the job is done answers that job (a late double click).
  const again = await admin('POST', '/api/bulk', request);
  expect(again.status).toBe(202);
  expect((again.json as { jobId: string }).jobId).toBe(jobId);
});

test('an Idempotency-Key makes the same job whatever else is sent; suspend by filter suspends the accounts too and ends nothing else', async () => {
  const t = tag();
  const a = await newUser(`susp-${t}-a@example.org`, { directories: ['google', 'microsoft'], password: PASSWORD });
  const b = await newUser(`susp-${t}-b@example.org`);
  const other = await newUser(`other-${t}@example.org`);
  const dry = await admin('POST', '/api/bulk', { action: 'suspend', filter: { text: `susp-${t}` }, dryRun: true });
  const preview = (
    dry.json as { preview: { changing: number; perUser: Array<{ userId: string; effects: Array<{ kind: string; text: string }> }> } }
  ).preview;
  expect(preview.changing).toBe(2);
  // The accounts are linked in the background after binding; once they are, suspend names them.
  const key = `click-${t}`;
  const [first, second] = await Promise.all([
    admin('POST', '/api/bulk', { action: 'suspend', filter: { text: `susp-${t}` } }, { 'idempotency-key': key }),
    admin('POST', '/api/bulk', { action: 'suspend', userIds: [a] }, { 'idempotency-key': key }),
  ]);
  expect((first.json as { jobId: string }).jobId).toBe((second.json as { jobId: string }).jobId);
  const job = await finished((first.json as { jobId: string }).jobId);
  expect(job.failed).toBe(0);
  for (const id of [a, b]) expect((await admin('GET', `/api/users/${id}`)).json).toMatchObject({ state: 'suspended' });
  expect((await admin('GET', `/api/users/${other}`)).json).toMatchObject({ state: 'active' });
  // Activate again through the preview: the account suspended by Takeover is reactivated.
  const back = await admin('POST', '/api/bulk', { action: 'activate', userIds: [a, b, other], dryRun: true });
  const backPreview = (back.json as { preview: { changing: number; skipped: number } }).preview;
  expect(backPreview).toMatchObject({ changing: 2, skipped: 1 });
});

test('GET /api/rollout counts bound users per directory by where they stand', async () => {
  const t = tag();
  await newUser(`roll-${t}@example.org`, { directories: ['google'] });
  const res = await admin('GET', '/api/rollout');
  expect(res.status).toBe(200);
  const dirs = (res.json as { directories: Array<Record<string, unknown>> }).directories;
  expect(dirs.map((d) => d.id).sort()).toEqual(['google', 'microsoft']);
  const google = dirs.find((d) => d.id === 'google')!;
  expect(google).toEqual(
    expect.objectContaining({
      name: expect.stringContaining('Google Workspace') as unknown,
      failingByReason: expect.any(Object) as unknown,
    }),
  );
  for (const k of ['bound', 'awaitingFirstLogin', 'inSync', 'pending', 'inFlight', 'failing', 'unresolved'])
    expect(typeof google[k]).toBe('number');
  expect(google.bound as number).toBeGreaterThanOrEqual(1);
  expect(
    (google.awaitingFirstLogin as number) + (google.inFlight as number) + (google.pending as number) + (google.unresolved as number),
  ).toBeGreaterThanOrEqual(1);
});

test('POST /api/users/:id/activation-mail: 202 for a pending password only, the new link invalidates the old, parallel resends end with one working link', async () => {
  const t = tag();
  const email = `resend-${t}@example.org`;
  const id = await newUser(email, { directories: ['google', 'microsoft'] });
  const original = await eventually('the activation mail', async () => (await mailsTo(host, email))[0]);
  const oldToken = tokenIn(original.text);

  const resent = await Promise.all(Array.from({ length: 3 }, () => admin('POST', `/api/users/${id}/activation-mail`)));
  expect(resent.map((r) => r.status)).toEqual([202, 202, 202]);
  expect(resent[0]?.json).toEqual({ sentTo: email });
  const mails = await mailsTo(host, email);
  expect(mails.length).toBeGreaterThanOrEqual(2);
  const newest = tokenIn(mails[0]!.text);
  expect(newest).not.toBe(oldToken);
  // Every link mailed before the newest is dead (the activation page, which changes nothing, says so); the newest works once.
  // (Two resends within one millisecond mail the same link twice: still one working link.)
  const tokens = (await mailsTo(host, email)).map((m) => tokenIn(m.text));
  expect(tokens).toHaveLength(4);
  expect(tokens[0]).toBe(newest);
  expect(tokens[3]).toBe(oldToken);
  const pageStatus = async (token: string) => (await call(host, 'GET', `/portal/activate?token=${encodeURIComponent(token)}`)).status;
  expect(await pageStatus(newest)).toBe(200);
  const earlier = tokens.filter((x) => x !== newest);
  expect(earlier.length).toBeGreaterThanOrEqual(1);
  expect(await Promise.all(earlier.map(pageStatus))).toEqual(earlier.map(() => 404));
  expect((await call(host, 'POST', '/portal/api/activate', { body: { token: oldToken, password: PASSWORD } })).status).toBe(404);
  expect((await call(host, 'POST', '/portal/api/activate', { body: { token: newest, password: PASSWORD } })).status).toBe(200);
  // Now the password is set: 409, naming why.
  const again = await admin('POST', `/api/users/${id}/activation-mail`);
  expect(again.status).toBe(409);
  expect(errorOf(again.json).reason).toContain('already has a password');
  expect((await admin('POST', '/api/users/no-such-user/activation-mail')).status).toBe(404);
  const staged = await newUser(`staged-${t}@example.org`, { state: 'staged' });
  const refused = await admin('POST', `/api/users/${staged}/activation-mail`);
  expect(refused.status).toBe(409);
  expect(errorOf(refused.json).reason).toContain('staged');
});

test("a resent activation link is in the user's audit log with who sent it, never the link (R14); once per resend, one by one or in bulk", async () => {
  const email = `audit-resend-${tag()}@example.org`;
  const id = await newUser(email, { directories: ['google'] });
  await eventually('the activation mail', async () => (await mailsTo(host, email))[0]);
  const resentOf = async () => {
    const res = await admin('GET', `/api/users/${id}/audit`);
    expect(res.status).toBe(200);
    const { entries } = res.json as { entries: Array<{ type: string; by?: string; summary: string; at: string }> };
    return { entries: entries.filter((e) => e.type === 'ActivationLinkResent'), all: entries, text: res.text };
  };
  expect((await resentOf()).entries).toEqual([]);

  expect((await admin('POST', `/api/users/${id}/activation-mail`)).status).toBe(202);
  const one = await resentOf();
  expect(one.entries).toHaveLength(1);
  expect(one.entries[0]).toMatchObject({
    by: 'admin:the API key',
    summary: `Activation link sent again to ${email}; earlier links no longer work`,
  });
  // Among the events' entries, oldest first: after the user was created.
  expect(one.all.map((e) => e.at)).toEqual(one.all.map((e) => e.at).sort());
  expect(one.all.findIndex((e) => e.type === 'ActivationLinkResent')).toBeGreaterThan(one.all.findIndex((e) => e.type === 'UserCreated'));

  const bulk = await admin('POST', '/api/bulk', { action: 'resend-activation', userIds: [id] });
  expect(bulk.status).toBe(202);
  await finished((bulk.json as { jobId: string }).jobId);
  const two = await resentOf();
  expect(two.entries).toHaveLength(2);
  expect(two.entries.every((e) => e.by === 'admin:the API key')).toBe(true);
  // No link, token or password in the audit log (R14): none of the tokens mailed to the user appears.
  for (const mail of await mailsTo(host, email)) expect(two.text.includes(tokenIn(mail.text))).toBe(false);
  expect(two.text).not.toMatch(/token=|activate\?/);
});
