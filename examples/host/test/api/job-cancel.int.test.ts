// POST /api/jobs/:jobId/cancel over real HTTP (SQLite, emulators): a bulk job held before its third
// user is cancelled by two parallel requests (one state, cancelled, answered to both); the users it
// never reached stay untouched and are listed as not done; a finished job is 409; 401 without a
// token, 404 for an unknown job. (An item already running when the cancel comes: test/app/jobs.int.test.ts.)
import { randomBytes } from 'node:crypto';
import { call, startTestHost, type TestHost } from '../support/testHost.js';
import { adminApi } from '../support/admin.js';
import { eventually } from '../support/eventually.js';
import { createUser } from '../support/users.js';

const gate = (() => {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  let reached: () => void = () => undefined;
  const atThird = new Promise<void>((r) => {
    reached = r;
  });
  return { open, opened, reached, atThird };
})();
let holding = false;

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost({
    app: {
      testHooks: {
        // While the first test holds: every item from the third on waits (the jobs of 2 users never do).
        jobItem: async (_jobId, seq) => {
          if (!holding || seq < 3) return;
          gate.reached();
          await gate.opened;
        },
      },
    },
  });
}, 60_000);
afterAll(async () => {
  gate.open();
  await host.close();
});

const admin = adminApi(() => host);

interface JobBody {
  state: string;
  done: number;
  total: number;
  failed: number;
  notDone: number;
  results: Array<{ item: string; ok: boolean; outcome: string; notDone?: boolean }>;
}

const ended = (jobId: string) =>
  eventually(
    `job ${jobId}`,
    async () => {
      const job = (await admin('GET', `/api/jobs/${jobId}`)).json as JobBody;
      return job;
    },
    (job) => job.state !== 'running' && job.done + job.notDone === job.total,
  );

const newUsers = async (n: number): Promise<string[]> => {
  const t = randomBytes(4).toString('hex');
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(
      await createUser(host, {
        email: `cancel-${t}-${String(i)}@example.com`,
        givenName: 'C',
        familyName: String(i),
      }),
    );
  }
  return ids;
};

test('two parallel cancels stop a running job between users: one consistent state, untouched users listed as not done', async () => {
  const ids = await newUsers(5);
  holding = true;
  const res = await admin('POST', '/api/bulk', { action: 'suspend', userIds: ids });
  expect(res.status).toBe(202);
  const { jobId } = res.json as { jobId: string };
  // Users 1 and 2 are done and the runner waits before user 3.
  await gate.atThird;
  await eventually('two users done', async () =>
    ((await admin('GET', `/api/jobs/${jobId}`)).json as JobBody).done === 2 ? true : undefined,
  );

  const [a, b] = await Promise.all([admin('POST', `/api/jobs/${jobId}/cancel`), admin('POST', `/api/jobs/${jobId}/cancel`)]);
  expect([a.status, b.status]).toEqual([200, 200]);
  expect((a.json as JobBody).state).toBe('cancelled');
  expect((b.json as JobBody).state).toBe('cancelled');
  gate.open();
  holding = false;
  const job = await ended(jobId);
  expect(job).toMatchObject({ state: 'cancelled', total: 5, done: 2, notDone: 3, failed: 0 });
  expect(job.results.map((r) => r.notDone === true)).toEqual([false, false, true, true, true]);
  expect(job.results[2]?.outcome).toMatch(/^not done: the job was cancelled by .+ before this item$/);
  const states = await Promise.all(ids.map(async (id) => ((await admin('GET', `/api/users/${id}`)).json as { state: string }).state));
  expect(states).toEqual(['suspended', 'suspended', 'active', 'active', 'active']);

  // Idempotent: cancelling again answers the same cancelled job.
  const again = await admin('POST', `/api/jobs/${jobId}/cancel`);
  expect(again.status).toBe(200);
  expect(again.json).toMatchObject({ state: 'cancelled', notDone: 3 });
});

test('a finished job is 409, an unknown one 404, and no token 401', async () => {
  const ids = await newUsers(2);
  const res = await admin('POST', '/api/bulk', { action: 'suspend', userIds: ids });
  const { jobId } = res.json as { jobId: string };
  const job = await ended(jobId);
  expect(job.state).toBe('done');
  const late = await admin('POST', `/api/jobs/${jobId}/cancel`);
  expect(late.status).toBe(409);
  expect((late.json as { error: { reason: string } }).error.reason).toMatch(/already finished/);
  expect(((await admin('GET', `/api/jobs/${jobId}`)).json as JobBody).state).toBe('done');
  expect((await admin('POST', '/api/jobs/no-such-job/cancel')).status).toBe(404);
  expect((await call(host, 'POST', `/api/jobs/${jobId}/cancel`)).status).toBe(401);
});
