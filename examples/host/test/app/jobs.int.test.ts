// The job runner over both host databases: progress and results persisted, one job per
// idempotency key under parallel duplicates, and a job left by a stopped runner resumed where it
// stopped (only the items without a result run again).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openJobStore } from '../../src/db/jobStore.js';
import type { JobStore } from '../../src/db/jobStore.js';
import { openPostgresHostDb } from '../../src/db/postgresHostDb.js';
import { openSqliteHostDb } from '../../src/db/sqliteHostDb.js';
import { jobRunner } from '../../src/app/jobs.js';
import type { JobHandler } from '../../src/app/jobs.js';
import { dropSchema, freshSchema, PG_URL } from '../support/postgres.js';

const schema = freshSchema('host_jobs');
const logger = pino({ level: 'silent' });
let dir: string;

const deferred = () => {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'host-jobs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await dropSchema(schema);
});

const backends: Record<'sqlite' | 'postgres', () => Promise<{ readonly store: JobStore; readonly close: () => Promise<void> }>> = {
  sqlite: async () => {
    const db = openSqliteHostDb(join(dir, `host-${randomBytes(3).toString('hex')}.db`));
    return { store: await openJobStore({ kind: 'sqlite', database: db.database }), close: db.close };
  },
  postgres: async () => {
    const db = await openPostgresHostDb(PG_URL, schema);
    return { store: await openJobStore({ kind: 'postgres', pool: db.pool, schema }), close: db.close };
  },
};

describe.each(['sqlite', 'postgres'] as const)('%s', (kind) => {
  let store: JobStore;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await backends[kind]());
  });
  afterAll(() => close());

  test('a job runs every item once, in order, and keeps its results', async () => {
    const jobs = jobRunner(store, logger, { instanceId: 'a' });
    const seen: string[] = [];
    jobs.register('upper', (item) => {
      seen.push(item);
      return Promise.resolve(item === 'bad' ? { ok: false, outcome: 'failed: bad item' } : { ok: true, outcome: item.toUpperCase() });
    });
    const items = Array.from({ length: 120 }, (_, i) => (i === 7 ? 'bad' : `item-${String(i)}`));
    const { jobId, created } = await jobs.start({ kind: 'upper', createdBy: 'admin@example.com', spec: '{}', items });
    expect(created).toBe(true);
    await jobs.settled(jobId);
    const view = await jobs.view(jobId);
    expect(view).toMatchObject({ state: 'done', total: 120, done: 120, failed: 1, createdBy: 'admin@example.com' });
    expect(view?.results.map((r) => r.item)).toEqual(items);
    expect(view?.results[7]).toEqual({ item: 'bad', ok: false, outcome: 'failed: bad item' });
    expect([...seen].sort()).toEqual([...items].sort());
    expect(await jobs.view('no-such-job')).toBeUndefined();
    await jobs.close();
  });

  test('parallel starts with one idempotency key make one job', async () => {
    const jobs = jobRunner(store, logger, { instanceId: 'b' });
    let runs = 0;
    jobs.register('count', () => {
      runs += 1;
      return Promise.resolve({ ok: true, outcome: 'counted' });
    });
    const key = `key-${randomBytes(4).toString('hex')}`;
    const started = await Promise.all(
      Array.from({ length: 8 }, () =>
        jobs.start({ kind: 'count', createdBy: 'x', spec: '{}', items: ['1', '2', '3'], idempotencyKey: key }),
      ),
    );
    expect(new Set(started.map((s) => s.jobId)).size).toBe(1);
    expect(started.filter((s) => s.created)).toHaveLength(1);
    await jobs.settled(started[0]!.jobId);
    expect(runs).toBe(3);
    // A client's key holds for good: the same request later answers the same job.
    expect(await jobs.start({ kind: 'count', createdBy: 'x', spec: '{}', items: ['1'], idempotencyKey: key })).toEqual({
      jobId: started[0]!.jobId,
      created: false,
    });
    // A key that expires: the same job while it runs and until it has been done that long, then a new one.
    const auto = `auto:${key}`;
    const first = await jobs.start({
      kind: 'count',
      createdBy: 'x',
      spec: '{}',
      items: ['1'],
      idempotencyKey: auto,
      keyExpiresAfterDoneMs: 3_600_000,
    });
    await jobs.settled(first.jobId);
    expect(
      await jobs.start({ kind: 'count', createdBy: 'x', spec: '{}', items: ['1'], idempotencyKey: auto, keyExpiresAfterDoneMs: 3_600_000 }),
    ).toEqual({ jobId: first.jobId, created: false });
    const again = await jobs.start({
      kind: 'count',
      createdBy: 'x',
      spec: '{}',
      items: ['1'],
      idempotencyKey: auto,
      keyExpiresAfterDoneMs: -1,
    });
    expect(again.created).toBe(true);
    await jobs.settled(again.jobId);
    await jobs.close();
  });

  test('a job whose runner stopped is resumed by the next one, without redoing finished items', async () => {
    const first = jobRunner(store, logger, { instanceId: 'c', concurrency: 1 });
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((r) => {
      release = r;
    });
    const done: string[] = [];
    let reachedThird: () => void = () => undefined;
    const atThird = new Promise<void>((r) => {
      reachedThird = r;
    });
    const slow: JobHandler = async (item) => {
      if (item === '3') {
        reachedThird();
        await blocked;
      }
      done.push(`first:${item}`);
      return { ok: true, outcome: `first ${item}` };
    };
    first.register('resume', slow);
    const { jobId } = await first.start({ kind: 'resume', createdBy: 'x', spec: '{}', items: ['1', '2', '3', '4', '5'] });
    await atThird;
    // The first runner stops taking items (a shutdown); item 3 finishes, 4 and 5 stay pending.
    const closing = first.close();
    release();
    await closing;
    expect((await first.view(jobId))?.state).toBe('running');

    const second = jobRunner(store, logger, { instanceId: 'd' });
    second.register('resume', (item) => {
      done.push(`second:${item}`);
      return Promise.resolve({ ok: true, outcome: `second ${item}` });
    });
    expect(await second.resumeOrphans({ breakHolds: true })).toBeGreaterThanOrEqual(1);
    await second.settled(jobId);
    const view = await second.view(jobId);
    expect(view).toMatchObject({ state: 'done', done: 5, failed: 0 });
    expect(view?.results.map((r) => r.outcome)).toEqual(['first 1', 'first 2', 'first 3', 'second 4', 'second 5']);
    // Items run 4 at a time, so in any order (each asks the store whether the job still runs first).
    expect(done.filter((d) => d.startsWith('second')).sort()).toEqual(['second:4', 'second:5']);
    await second.close();
  });
  test('a cancel from another instance stops the job between items; the items it never reached are marked not done', async () => {
    const a = jobRunner(store, logger, { instanceId: 'e', concurrency: 1 });
    const b = jobRunner(store, logger, { instanceId: 'f' });
    const gate = deferred();
    const atThird = deferred();
    const ran: string[] = [];
    a.register('cancel-me', async (item) => {
      ran.push(item);
      if (item === '3') {
        atThird.resolve();
        await gate.promise;
      }
      return { ok: true, outcome: `ran ${item}` };
    });
    const { jobId } = await a.start({ kind: 'cancel-me', createdBy: 'x', spec: '{}', items: ['1', '2', '3', '4', '5', '6'] });
    await atThird.promise;
    // Two admins (or a double click) cancel at once: one cancels, the other finds it cancelled.
    const outcomes = await Promise.all([b.cancel(jobId, 'admin@example.com'), b.cancel(jobId, 'other@example.com')]);
    expect([...outcomes].sort()).toEqual(['already-cancelled', 'cancelled']);
    // Item 3 was running when the cancel came: it finishes, and its real result replaces "not done".
    gate.resolve();
    await a.settled(jobId);
    const view = await b.view(jobId);
    expect(view).toMatchObject({ state: 'cancelled', total: 6, done: 3, failed: 0, notDone: 3 });
    expect(view?.finishedAt).not.toBeNull();
    expect(view?.results.map((r) => r.outcome.slice(0, 21))).toEqual([
      'ran 1',
      'ran 2',
      'ran 3',
      ...Array.from({ length: 3 }, () => 'not done: the job was'),
    ]);
    expect(
      view?.results.slice(3).every((r) => r.notDone === true && !r.ok && /cancelled by (admin|other)@example\.com/.test(r.outcome)),
    ).toBe(true);
    expect(ran).toEqual(['1', '2', '3']);
    expect(await a.cancel(jobId, 'x')).toBe('already-cancelled');
    expect(await a.cancel('no-such-job', 'x')).toBe('unknown');

    // A restart resumes running jobs only: the cancelled one's items stay not done.
    await Promise.all([a.close(), b.close()]);
    const c = jobRunner(store, logger, { instanceId: 'g' });
    c.register('cancel-me', (item) => {
      ran.push(`after restart ${item}`);
      return Promise.resolve({ ok: true, outcome: 'ran after restart' });
    });
    await c.resumeOrphans({ breakHolds: true });
    await c.settled(jobId);
    expect(ran).toEqual(['1', '2', '3']);
    expect((await c.view(jobId))?.notDone).toBe(3);
    await c.close();
  });

  test('a cancel racing the last item ends in one consistent state, and a finished job cannot be cancelled', async () => {
    const jobs = jobRunner(store, logger, { instanceId: 'h' });
    const seen: Record<string, number> = {};
    for (let round = 0; round < 10; round++) {
      const gate = deferred();
      const started = deferred();
      jobs.register(`race-${String(round)}`, async () => {
        started.resolve();
        await gate.promise;
        return { ok: true, outcome: 'ran' };
      });
      const { jobId } = await jobs.start({ kind: `race-${String(round)}`, createdBy: 'x', spec: '{}', items: ['only'] });
      await started.promise;
      const [outcome] = await Promise.all([jobs.cancel(jobId, 'admin@example.com'), Promise.resolve().then(() => gate.resolve())]);
      await jobs.settled(jobId);
      const view = await jobs.view(jobId);
      seen[outcome] = (seen[outcome] ?? 0) + 1;
      // The item ran either way, so its result is the real one; the state is the one the cancel answered.
      expect(view?.results).toEqual([{ item: 'only', ok: true, outcome: 'ran' }]);
      expect(view).toMatchObject({ done: 1, notDone: 0, state: outcome === 'done' ? 'done' : 'cancelled' });
      expect(['done', 'cancelled']).toContain(outcome);
      expect(await jobs.cancel(jobId, 'admin@example.com')).toBe(outcome === 'done' ? 'done' : 'already-cancelled');
    }
    expect(Object.values(seen).reduce((a, b) => a + b, 0)).toBe(10);
    await jobs.close();
  });
});
