// Issue 14's "Done when": an admin takes a whole population from one CSV file to "everyone in sync"
// without touching a user one by one. Over real HTTP against a whole host (SQLite, both directories
// emulated, mail in the outbox): the admin checks the file (dry run), imports it (a job whose
// progress can be read at any time), and watches `GET /api/rollout`; each user only does what a user
// does (opens the activation link from the mail, sets a password, logs in to the portal once). The
// overview then counts everyone in sync in both directories, each directory accepts each user's
// password, and the export says "in sync" on every row.
//
// ROLLOUT_USERS sets the population (default 300: more than a page of the outbox and than an inline
// import, small enough for CI). `ROLLOUT_USERS=5000 npx jest rollout-from-csv` runs the size.
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import * as E from 'fp-ts/lib/Either.js';
import { OUTBOX_STREAM } from '@takeover/engine';
import { openSqliteEventStore } from '@takeover/event-store-sqlite';
import { IMPORT_INLINE_MAX } from '../../src/app/csvImport.js';
import { call, startTestHost, type TestHost } from '../support/testHost.js';
import { eventually } from '../support/eventually.js';

const USERS = Number(process.env.ROLLOUT_USERS ?? '300');
/** Users acting at once (each logs in from their own browser). */
const PARALLEL = 8;
const DIRECTORIES = ['google', 'microsoft'] as const;

const email = (i: number) => `rollout-${String(i).padStart(5, '0')}@example.com`;
const passwordOf = (i: number) => `Rollout-Harbour-${String(i)}-Cobalt!`;

interface Rollout {
  readonly directories: ReadonlyArray<{
    readonly id: string;
    readonly name: string;
    readonly bound: number;
    readonly awaitingFirstLogin: number;
    readonly inSync: number;
    readonly pending: number;
    readonly inFlight: number;
    readonly failing: number;
    readonly unresolved: number;
  }>;
}
interface Job {
  readonly state: string;
  readonly done: number;
  readonly total: number;
  readonly failed: number;
  readonly results: ReadonlyArray<{ readonly ok: boolean }>;
}

let host: TestHost;
beforeAll(async () => {
  // Every user logs in from the test's one address: the per-address route limit would stop them.
  host = await startTestHost({ server: { authRateLimit: { max: 1_000_000, timeWindowMs: 60_000 } } });
}, 60_000);
afterAll(async () => {
  await host.close();
});

const admin = (method: string, path: string, options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}) =>
  call(host, method, path, { token: host.adminToken, ...options });

const rollout = async (): Promise<Rollout> => {
  const res = await admin('GET', '/api/rollout');
  expect(res.status).toBe(200);
  return res.json as Rollout;
};

/**
 * The activation link mailed to each user, from the host's mail outbox read as a mailbox would be
 * (the whole outbox: `/demo/mail` shows only the newest 500). The newest link per address wins.
 */
const activationLinks = async (): Promise<ReadonlyMap<string, string>> => {
  const opened = await openSqliteEventStore({ path: join(host.dataDir, 'events.db') })();
  if (E.isLeft(opened)) throw new Error(`cannot open the outbox: ${opened.left.message}`);
  try {
    const read = await opened.right.readStream(OUTBOX_STREAM)();
    if (E.isLeft(read)) throw new Error(`cannot read the outbox: ${read.left._tag}`);
    const links = new Map<string, string>();
    for (const r of read.right) {
      const mail = r.event.data as { to?: unknown; subject?: unknown; text?: unknown };
      if (typeof mail.to !== 'string' || typeof mail.text !== 'string' || mail.subject !== 'Activate your Takeover Demo account') continue;
      const token = /[?&]token=([^\s&"<]+)/.exec(mail.text)?.[1];
      if (token !== undefined) links.set(mail.to, decodeURIComponent(token));
    }
    return links;
  } finally {
    await opened.right.close();
  }
};

/** Runs `work` for 0..n-1, `PARALLEL` at a time. */
const forEachUser = async (n: number, work: (i: number) => Promise<void>): Promise<void> => {
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      for (let i = next++; i < n; i = next++) await work(i);
    }),
  );
};

test(
  `${String(USERS)} users from one CSV file to everyone in sync, with no user touched one by one`,
  async () => {
    expect(USERS).toBeGreaterThan(IMPORT_INLINE_MAX);
    const csv = [
      'email,givenName,familyName,state,directories,department',
      ...Array.from({ length: USERS }, (_, i) => `${email(i)},Roll,"Out, ${String(i)}",active,google;microsoft,Wave ${String(i % 5)}`),
    ].join('\r\n');
    const importCsv = (dryRun: boolean) =>
      admin('POST', `/api/users/import?dryRun=${String(dryRun)}`, { rawBody: csv, headers: { 'content-type': 'text/csv' } });

    // 1. The admin checks the file: nothing wrong, it would create everyone, and nothing is created yet.
    const dry = await importCsv(true);
    expect(dry.status).toBe(200);
    expect(dry.json).toMatchObject({ problems: [], wouldCreate: USERS, unchanged: 0 });
    expect((await rollout()).directories.map((d) => d.bound)).toEqual([0, 0]);

    // 2. The import runs as a job whose progress can be read at any time, and ends with a result per user.
    const started = await importCsv(false);
    expect(started.status).toBe(202);
    const { jobId } = started.json as { jobId: string };
    let seen = 0;
    const job = await eventually(
      'the import job',
      async () => {
        const res = await admin('GET', `/api/jobs/${jobId}`);
        expect(res.status).toBe(200);
        const j = res.json as Job;
        expect(j.total).toBe(USERS);
        expect(j.done).toBeGreaterThanOrEqual(seen);
        expect(j.done).toBeLessThanOrEqual(j.total);
        seen = j.done;
        return j.state === 'done' ? j : undefined;
      },
      { boundMs: 20 * 60_000 },
    );
    expect(job).toMatchObject({ done: USERS, total: USERS, failed: 0 });
    expect(job.results.filter((r) => r.ok)).toHaveLength(USERS);

    // 3. The overview: everyone bound in both directories, each account found or created, waiting for the first login.
    await eventually(
      'every account found or created',
      async () => {
        const r = await rollout();
        return r.directories.every((d) => d.bound === USERS && d.awaitingFirstLogin === USERS) ? r : undefined;
      },
      { boundMs: 20 * 60_000 },
    );

    // 4. Each user, on their own: the activation link from the mail, a password, one portal login.
    const links = await eventually(
      'an activation mail to every user',
      async () => {
        const l = await activationLinks();
        return Array.from({ length: USERS }, (_, i) => email(i)).every((e) => l.has(e)) ? l : undefined;
      },
      { boundMs: 20 * 60_000 },
    );
    const progress: Rollout[] = [];
    await forEachUser(USERS, async (i) => {
      const activated = await call(host, 'POST', '/portal/api/activate', { body: { token: links.get(email(i)), password: passwordOf(i) } });
      if (activated.status !== 200) throw new Error(`activating ${email(i)}: ${String(activated.status)} ${activated.text}`);
      const login = await call(host, 'POST', '/portal/api/login', { body: { email: email(i), password: passwordOf(i) } });
      if (login.status !== 200) throw new Error(`logging in ${email(i)}: ${String(login.status)} ${login.text}`);
      // The admin looks at the overview now and then while the wave logs in.
      if (i % 50 === 0) progress.push(await rollout());
    });
    // Every count the admin saw added up: nobody lost, nobody counted twice.
    for (const r of progress)
      for (const d of r.directories) {
        expect(d.bound).toBe(USERS);
        expect(d.inSync + d.awaitingFirstLogin + d.pending + d.inFlight + d.failing + d.unresolved).toBeLessThanOrEqual(USERS);
      }

    // 5. Everyone in sync in both directories, nothing failing or waiting.
    const done = await eventually(
      'everyone in sync',
      async () => {
        const r = await rollout();
        return r.directories.every((d) => d.inSync === USERS) ? r : undefined;
      },
      { boundMs: 20 * 60_000 },
    );
    for (const id of DIRECTORIES)
      expect(done.directories.find((d) => d.id === id)).toMatchObject({
        bound: USERS,
        inSync: USERS,
        awaitingFirstLogin: 0,
        pending: 0,
        inFlight: 0,
        failing: 0,
        unresolved: 0,
      });

    // Each directory really takes each user's password (a sample at the size, everyone otherwise).
    const step = Math.max(1, Math.floor(USERS / 300));
    for (let i = 0; i < USERS; i += step)
      for (const id of DIRECTORIES) {
        const res = await call(host, 'POST', `/demo/directories/${id}/verify`, { body: { userKey: email(i), password: passwordOf(i) } });
        expect([email(i), id, res.status, (res.json as { matches?: boolean }).matches]).toEqual([email(i), id, 200, true]);
      }

    // The export of the wave says "in sync" for both directories on every row.
    const exported = await admin('GET', '/api/users.csv?text=rollout-');
    expect(exported.status).toBe(200);
    const parsed: unknown = parse(exported.text);
    const rows = parsed as string[][];
    const header = rows[0] ?? [];
    const columns = DIRECTORIES.map((id) => header.indexOf(id));
    expect(columns.every((c) => c > 0)).toBe(true);
    expect(rows.slice(1).map((r) => r[0])).toEqual(Array.from({ length: USERS }, (_, i) => email(i)));
    expect(new Set(rows.slice(1).flatMap((r) => columns.map((c) => r[c])))).toEqual(new Set(['in-sync']));
  },
  60 * 60_000,
);
