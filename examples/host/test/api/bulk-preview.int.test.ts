// POST /api/bulk on "everything matching this filter": the dry run's counts come from the read
// model's tally (indexed queries), not from each user's stream. On a mixed population (pending and
// active passwords, staged, suspended, bound to one, both or no directory) every action's preview
// equals what the stream-read preview of the same users says and what the job then does, counted
// from its per-user results.
import { randomBytes } from 'node:crypto';
import { startTestHost, type TestHost } from '../support/testHost.js';
import { adminApi } from '../support/admin.js';
import { eventually } from '../support/eventually.js';
import { createUser } from '../support/users.js';

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost();
}, 60_000);
afterAll(async () => {
  await host.close();
});

const admin = adminApi(() => host);
const PASSWORD = 'Correct-Horse-9-Battery!';

interface DirectoryCounts {
  id: string;
  name: string;
  bound: number;
  unbound: number;
  accountsLinkedOrCreated: number;
  accountsLinked: number;
  accountsSuspended: number;
  accountsReactivated: number;
  bindingEmails: number;
}
interface Preview {
  users: number;
  changing: number;
  skipped: number;
  activationEmails: number;
  directories: DirectoryCounts[];
  perUser: Array<{ userId: string }>;
  truncated: boolean;
}
interface Job {
  state: string;
  failed: number;
  results: Array<{ item: string; ok: boolean; outcome: string }>;
}

const counts = (p: Preview) => ({
  users: p.users,
  changing: p.changing,
  skipped: p.skipped,
  activationEmails: p.activationEmails,
  directories: p.directories.map(({ name: _n, ...d }) => d),
});

const preview = async (body: Record<string, unknown>): Promise<Preview> => {
  const res = await admin('POST', '/api/bulk', { ...body, dryRun: true });
  expect({ body, status: res.status }).toEqual({ body, status: 200 });
  return (res.json as { preview: Preview }).preview;
};

/** The job's per-user outcomes counted as the preview counts them (each outcome lists its effects' sentences). */
const fromResults = (job: Job, directories: ReadonlyArray<{ id: string; name: string }>) => {
  const per = directories.map((d) => ({
    id: d.id,
    bound: 0,
    unbound: 0,
    accountsLinkedOrCreated: 0,
    accountsLinked: 0,
    accountsSuspended: 0,
    accountsReactivated: 0,
    bindingEmails: 0,
  }));
  let skipped = 0;
  let activationEmails = 0;
  for (const r of job.results) {
    if (r.outcome.startsWith('skipped')) {
      skipped++;
      continue;
    }
    for (const text of r.outcome.split('; ')) {
      if (/activation (email|link)/.test(text)) activationEmails++;
      directories.forEach((d, i) => {
        const c = per[i];
        if (c === undefined || (!text.endsWith(d.name) && !text.includes(` ${d.name},`) && !text.includes(` ${d.name} (`))) return;
        if (text.startsWith('binds ')) c.bound++;
        else if (text.startsWith('stops managing ')) c.unbound++;
        else if (text.startsWith('links the account') && text.includes(', or creates')) c.accountsLinkedOrCreated++;
        else if (text.startsWith('links the account')) c.accountsLinked++;
        else if (text.startsWith('suspends ')) c.accountsSuspended++;
        else if (text.startsWith('reactivates ')) c.accountsReactivated++;
        else if (text.startsWith('emails ')) c.bindingEmails++;
      });
    }
  }
  return {
    users: job.results.length,
    changing: job.results.length - skipped,
    skipped,
    activationEmails,
    directories: per,
  };
};

/** How many account actions (suspended, restored, or failed) the users' audit logs record. */
const accountActions = async (ids: ReadonlyArray<string>): Promise<number> => {
  let n = 0;
  for (const id of ids) {
    const audit = (await admin('GET', `/api/users/${id}/audit`)).json as { entries: ReadonlyArray<{ type: string }> };
    n += audit.entries.filter((e) =>
      ['ExternalAccountSuspended', 'ExternalAccountRestored', 'ExternalAccountActionFailed'].includes(e.type),
    ).length;
  }
  return n;
};

test('on a mixed population, each action previewed by filter says what the stream-read preview says and what the job does', async () => {
  const t = randomBytes(4).toString('hex');
  const make = async (name: string, extra: Record<string, unknown>) => {
    return createUser(host, { email: `${name}-${t}@example.com`, givenName: 'Mixed', familyName: name, ...extra });
  };
  const ids = [
    await make('pending-g', { state: 'active', directories: ['google'] }),
    await make('pending-gm', { state: 'active', directories: ['google', 'microsoft'] }),
    await make('pending-none', { state: 'active' }),
    await make('active-g', { state: 'active', password: PASSWORD, directories: ['google'] }),
    await make('active-m', { state: 'active', password: PASSWORD, directories: ['microsoft'] }),
    await make('active-none', { state: 'active', password: PASSWORD }),
    await make('staged-m', { state: 'staged', password: PASSWORD, directories: ['microsoft'] }),
    await make('staged-gm', { state: 'staged', directories: ['google', 'microsoft'] }),
    await make('susp-gm', { state: 'active', password: PASSWORD, directories: ['google', 'microsoft'] }),
  ];
  expect((await admin('POST', `/api/users/${ids[8] ?? ''}/state`, { state: 'suspended' })).status).toBe(200);
  // In the emulators' domain: binding creates (or links) the accounts there, so suspend and activate have accounts to act on.
  const filter = { text: `-${t}@` };

  const steps: ReadonlyArray<Record<string, unknown>> = [
    { action: 'bind', directoryId: 'microsoft' },
    { action: 'suspend' },
    { action: 'activate' },
    { action: 'unbind', directoryId: 'google' },
    { action: 'resend-activation' },
  ];
  for (const step of steps) {
    // The engine works in the background after each change (accounts linked or suspended, mails):
    // wait until no binding is being resolved or pushed, the stream-read preview of the same users
    // holds still and the tally agrees with it (holding still alone is no proof: an account lookup
    // may not have started yet).
    const settled = await eventually(`the previews of ${JSON.stringify(step)} to agree`, async () => {
      // Nothing under way: no account still being found or created, no push in flight, no account
      // action owed (one whose attempt failed is tried again in the background, and its retry landing
      // between this preview and the job made the job suspend or restore one account more).
      for (const id of ids) {
        const user = (await admin('GET', `/api/users/${id}`)).json as {
          bindings?: ReadonlyArray<{ state: string; accountAction?: unknown }>;
        };
        if ((user.bindings ?? []).some((b) => b.state === 'resolving' || b.state === 'in-flight' || b.accountAction !== undefined))
          return undefined;
      }
      const byIds = await preview({ ...step, userIds: ids });
      const byFilter = await preview({ ...step, filter });
      const again = await preview({ ...step, userIds: ids });
      return JSON.stringify(counts(byIds)) === JSON.stringify(counts(again)) &&
        JSON.stringify(counts(byIds)) === JSON.stringify(counts(byFilter))
        ? byFilter
        : undefined;
    });
    expect(settled.users).toBe(ids.length);
    expect(settled.perUser.map((u) => u.userId).sort()).toEqual([...ids].sort());
    expect(settled.truncated).toBe(false);

    const actionsBefore = await accountActions(ids);
    const started = await admin('POST', '/api/bulk', { ...step, filter });
    expect(started.status).toBe(202);
    const jobId = (started.json as { jobId: string }).jobId;
    const job = await eventually(
      `job ${jobId}`,
      async () => {
        const j = (await admin('GET', `/api/jobs/${jobId}`)).json as Job;
        return j;
      },
      (j) => j.state === 'done',
    );
    expect(job.failed).toBe(0);
    if (process.env.DEBUG_PREVIEW !== undefined) process.stderr.write(`DEBUG ${JSON.stringify([step, counts(settled)])}\n`);
    const done = fromResults(job, settled.directories);
    expect({ step, counts: done }).toEqual({ step, counts: counts(settled) });
    // The accounts the job suspended or reactivated are acted on behind it: wait until each has its
    // outcome in the audit log, so the next step's preview sees them as they are.
    const expected = done.directories.reduce((n, d) => n + d.accountsSuspended + d.accountsReactivated, 0);
    await eventually(`the account actions of ${JSON.stringify(step)}`, async () =>
      (await accountActions(ids)) - actionsBefore >= expected ? true : undefined,
    );
  }
}, 300_000);

test('a filter preview lists each matching user with the counts; a filter matching nobody previews nothing', async () => {
  const t = randomBytes(4).toString('hex');
  for (let i = 0; i < 3; i++) {
    await createUser(host, {
      email: `many-${String(i)}-${t}@example.org`,
      givenName: 'Many',
      familyName: 'Users',
      state: 'staged',
    });
  }
  const p = await preview({ action: 'activate', filter: { text: `-${t}@` } });
  expect(p).toMatchObject({ users: 3, changing: 3, skipped: 0 });
  expect(p.perUser).toHaveLength(3);
  const none = await preview({ action: 'activate', filter: { text: `nobody-${t}` } });
  expect(none).toMatchObject({ users: 0, changing: 0, skipped: 0, perUser: [], truncated: false });
});
