// The quota budget shared by engine instances: one row per directory in PostgreSQL. Several pools
// (as several processes would) take slots at once; the slots the database hands out never come
// closer than the rate allows, and a throttling answer reported through one pool holds back the others.
import * as E from 'fp-ts/lib/Either.js';
import { createPostgresQuotaBudget, type PostgresQuotaBudget } from '@takeover/event-store-postgres';
import type pg from 'pg';
import { dropSchema, randomSchema, testPool } from './pgTestPool.js';

const schema = randomSchema();
const pools: pg.Pool[] = Array.from({ length: 3 }, () => testPool(6));
const budgets: PostgresQuotaBudget[] = [];

beforeAll(async () => {
  for (const pool of pools) {
    const b = await createPostgresQuotaBudget({ pool, schema })();
    if (E.isLeft(b)) throw new Error(`PostgreSQL unavailable (${b.left.message}): set PGHOST/PGUSER/PGDATABASE`);
    budgets.push(b.right);
  }
});
afterAll(async () => {
  await Promise.all(budgets.map((b) => b.close()));
  await dropSchema(pools[0] as pg.Pool, schema);
  await Promise.all(pools.map((p) => p.end()));
});

const budget = (i: number): PostgresQuotaBudget => budgets[i] as PostgresQuotaBudget;

test('many concurrent takers on three pools never get two slots closer than the rate allows', async () => {
  const pacing = { ratePerSecond: 50 };
  const slots = await Promise.all(Array.from({ length: 240 }, (_, i) => budget(i % 3).reserve('dir-parallel', pacing, 0)));
  const at = slots.map((s) => s.slotAt).sort((a, b) => a - b);
  const gaps = at.slice(1).map((t, i) => t - (at[i] as number));
  expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000 / 50 - 1e-6);
  // 240 slots at 50/s span at least 239 intervals: the bucket was never exceeded in any window.
  expect((at.at(-1) as number) - (at[0] as number)).toBeGreaterThanOrEqual(239 * 20 - 1e-3);
  expect(slots.every((s) => s.ratePerSecond === 50)).toBe(true);
});

test('a throttling answer seen by one instance halves the rate and holds back every instance until Retry-After passes', async () => {
  const pacing = { ratePerSecond: 40, minRatePerSecond: 2 };
  await budget(0).reserve('dir-throttled', pacing, 0);
  await Promise.all([budget(1).throttled('dir-throttled', pacing, 3_000), budget(1).throttled('dir-throttled', pacing, 3_000)]);
  const row = await budget(2).inspect('dir-throttled');
  expect(row?.ratePerSecond).toBe(20); // halved once, although two answers came in at once
  const next = await budget(2).reserve('dir-throttled', pacing, 0);
  expect(next.waitMs).toBeGreaterThan(2_500);
  expect(next.ratePerSecond).toBe(20);
  // Successes reported with a reservation climb the shared rate back, 1 % of the quota each.
  const climbed = await budget(0).reserve('dir-throttled', pacing, 10);
  expect(climbed.ratePerSecond).toBeCloseTo(24, 6);
});

test('a slot for an unknown directory is granted at once; bad pacing is refused with what was wrong', async () => {
  const first = await budget(0).reserve('dir-new', { ratePerSecond: 10 }, 0);
  expect(first.waitMs).toBe(0);
  await expect(budget(0).reserve('dir-new', { ratePerSecond: 0 }, 0)).rejects.toThrow('ratePerSecond must be a positive number');
});

test("a directory's catchUpMs: a schedule fallen behind is caught up by that much at once, the rest forfeited", async () => {
  const pool = pools[0] as pg.Pool;
  const dbNow = async () =>
    Number((await pool.query<{ t: number }>('SELECT extract(epoch FROM clock_timestamp()) * 1000 AS t')).rows[0]?.t);
  // The schedule 5 s behind (no instance asked for a while, e.g. all stalled), set directly: no waiting in the test.
  const firstOverdue = async (key: string, pacing: { ratePerSecond: number; catchUpMs?: number }) => {
    await budget(0).reserve(key, pacing, 0);
    await pool.query(`UPDATE "${schema}".quota_budgets SET next_slot = next_slot - 5000 WHERE budget_key = $1`, [key]);
    const before = await dbNow();
    const slot = await budget(1).reserve(key, pacing, 0);
    const after = await dbNow();
    return { slot, before, after };
  };
  // 1 s at 10/s: the next slot is 0.9 s in the past (ten slots due at once), not 5 s.
  const wide = await firstOverdue('dir-catch-up-1s', { ratePerSecond: 10, catchUpMs: 1_000 });
  expect(wide.slot.waitMs).toBe(0);
  expect(wide.slot.slotAt).toBeGreaterThanOrEqual(wide.before - 1_000);
  expect(wide.slot.slotAt).toBeLessThanOrEqual(wide.after - 900);
  // The budget's default, 100 ms.
  const narrow = await firstOverdue('dir-catch-up-default', { ratePerSecond: 10 });
  expect(narrow.slot.slotAt).toBeGreaterThanOrEqual(narrow.before - 100);
  await expect(budget(0).reserve('dir-catch-up-1s', { ratePerSecond: 10, catchUpMs: -1 }, 0)).rejects.toThrow(
    'catchUpMs must be a non-negative',
  );
});

test('reservations run on connections of their own: a host pool with every connection busy does not hold them up', async () => {
  const busy = testPool(1);
  const b = await createPostgresQuotaBudget({ pool: busy, schema })();
  if (E.isLeft(b)) throw new Error(b.left.message);
  const held = await busy.connect(); // the host's only connection, taken (a long command)
  try {
    const slot = await b.right.reserve('dir-own-connections', { ratePerSecond: 10 }, 0);
    expect(slot.ratePerSecond).toBe(10);
    const { rows } = await held.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [
      `takeover_quota_${schema}`.slice(0, 63),
    ]);
    expect(Number(rows[0]?.n)).toBeGreaterThanOrEqual(1);
  } finally {
    held.release();
    await b.right.close();
    await busy.end();
  }
});
