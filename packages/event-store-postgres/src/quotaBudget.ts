import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import pg from 'pg';
import type { Pool } from 'pg';
import { describeCause, storeUnavailable, type StoreUnavailable } from '@takeover/event-store';
import { migrate } from './migrate.js';

/** A directory's pacing as the engine gives it (structurally the engine's `PacingOptions`). */
export interface BudgetPacing {
  readonly ratePerSecond: number;
  readonly minRatePerSecond?: number;
  /** How far behind its schedule this directory's budget may catch up at once, in ms of requests (default: the budget's `catchUpMs`). */
  readonly catchUpMs?: number;
}

/**
 * Each directory's request budget in one row of `<schema>.quota_budgets`, shared by every engine
 * instance on this database (the engine's `SharedBudget` port, matched structurally: this package
 * does not depend on the engine). A slot is one `INSERT … ON CONFLICT DO UPDATE`: one round trip,
 * the row lock orders concurrent takers, and every time is read from the database's clock, so the
 * instances' own clocks may disagree.
 */
export interface PostgresQuotaBudget {
  readonly reserve: (directoryId: string, pacing: BudgetPacing, successes: number) => Promise<PostgresBudgetSlot>;
  readonly throttled: (directoryId: string, pacing: BudgetPacing, retryAfterMs: number | undefined) => Promise<void>;
  /** Ends the budget's own connections (the pool it was given is the caller's). */
  readonly close: () => Promise<void>;
  /** The directory's row as it stands (for tests and the console), times relative to the database's now. */
  readonly inspect: (
    directoryId: string,
  ) => Promise<{ readonly ratePerSecond: number; readonly nextSlotInMs: number; readonly notBeforeInMs: number } | undefined>;
}

/** A slot granted: wait `waitMs`, then call. `slotAt` is the slot's time on the database's clock (epoch ms). */
export interface PostgresBudgetSlot {
  readonly waitMs: number;
  readonly ratePerSecond: number;
  readonly slotAt: number;
}

export interface PostgresQuotaBudgetOptions {
  /** The host's pool: the migrations run on it, and the budget's own connections copy its settings. */
  readonly pool: Pool;
  /**
   * Connections of the budget's own (default 2: one round trip at a time per directory, and the
   * engine asks for one slot at a time per directory). Reservations never wait behind the store's
   * work for a connection of the host's pool: when that pool was busy, they took up to 4.7 s, and
   * the shared schedule forfeited the slots meanwhile (`shared-quota` bench).
   */
  readonly connections?: number;
  /** The event store's schema (default `takeover`); migrated if needed. */
  readonly schema?: string;
  /** How far behind its schedule the budget may catch up at once, in ms of requests (default 100, as the in-process pacer), unless a directory's pacing says otherwise. */
  readonly catchUpMs?: number;
  /** Throttling answers within this many ms of the last halving do not halve the rate again (default 1,000). */
  readonly halveAtMostEveryMs?: number;
}

const NOW_MS = 'extract(epoch FROM clock_timestamp()) * 1000';

/** Builds the shared budget in the event store's database and schema, on connections of its own (`close` ends them). */
export const createPostgresQuotaBudget =
  (options: PostgresQuotaBudgetOptions): TaskEither<StoreUnavailable, PostgresQuotaBudget> =>
  async () => {
    const schema = options.schema ?? 'takeover';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new TypeError(`schema must be a plain lower-case identifier: ${schema}`);
    const q = `"${schema}"`;
    try {
      await migrate(options.pool, schema, q);
    } catch (e) {
      return E.left(storeUnavailable(describeCause(e)));
    }
    const connections = options.connections ?? 2;
    if (!(Number.isInteger(connections) && connections >= 1))
      throw new RangeError(`connections must be a whole number of connections (at least 1), got ${connections}`);
    const pool = new pg.Pool({
      ...options.pool.options,
      max: connections,
      allowExitOnIdle: true,
      application_name: `takeover_quota_${schema}`.slice(0, 63),
    });
    pool.on('error', () => undefined); // an idle connection dropped: the next query opens another
    const catchUpMs = options.catchUpMs ?? 100;
    const halveEveryMs = options.halveAtMostEveryMs ?? 1_000;
    const check = (pacing: BudgetPacing): { quota: number; floor: number; catchUp: number } => {
      const quota = pacing.ratePerSecond;
      if (!(Number.isFinite(quota) && quota > 0))
        throw new RangeError(`ratePerSecond must be a positive number of requests per second, got ${quota}`);
      const catchUp = pacing.catchUpMs ?? catchUpMs;
      if (!(Number.isFinite(catchUp) && catchUp >= 0))
        throw new RangeError(`catchUpMs must be a non-negative number of milliseconds, got ${catchUp}`);
      return { quota, floor: Math.min(pacing.minRatePerSecond ?? 1, quota), catchUp };
    };
    // The new rate, from the old row and the successes reported: climbs 1 % of the quota per success.
    const climbed = 'least(excluded.quota, greatest(excluded.floor, b.rate + $4::float8 * excluded.quota / 100))';
    const reserveSql = {
      name: `takeover_quota_reserve_${schema}`,
      text: `INSERT INTO ${q}.quota_budgets AS b (budget_key, quota, floor, rate, next_slot)
      VALUES ($1, $2::float8, $3::float8, $2::float8, ${NOW_MS} + 1000 / $2::float8)
      ON CONFLICT (budget_key) DO UPDATE SET
        quota = excluded.quota, floor = excluded.floor, rate = ${climbed},
        next_slot = greatest(b.next_slot, b.not_before, ${NOW_MS} - $5::float8) + 1000 / ${climbed}
      RETURNING next_slot - 1000 / rate - ${NOW_MS} AS wait_ms, next_slot - 1000 / rate AS slot_at, rate`,
    };
    const halves = `c.now_ms - b.throttled_at >= $3::float8`;
    const halved = `CASE WHEN ${halves} THEN greatest(b.floor, b.rate / 2) ELSE b.rate END`;
    const throttledSql = {
      name: `takeover_quota_throttled_${schema}`,
      text: `UPDATE ${q}.quota_budgets AS b SET
        rate = ${halved},
        throttled_at = CASE WHEN ${halves} THEN c.now_ms ELSE b.throttled_at END,
        not_before = greatest(b.not_before, c.now_ms + coalesce($2::float8, 0)),
        next_slot = greatest(b.next_slot, c.now_ms + 1000 / ${halved})
      FROM (SELECT ${NOW_MS} AS now_ms) AS c
      WHERE b.budget_key = $1`,
    };
    return E.right({
      reserve: async (directoryId, pacing, successes) => {
        const { quota, floor, catchUp } = check(pacing);
        const { rows } = await pool.query<{ wait_ms: number; slot_at: number; rate: number }>({
          ...reserveSql,
          values: [directoryId, quota, floor, Math.max(0, successes), catchUp],
        });
        const row = rows[0];
        if (row === undefined) throw new Error(`quota budget: no row returned for ${directoryId}`);
        return { waitMs: Math.max(0, Number(row.wait_ms)), ratePerSecond: Number(row.rate), slotAt: Number(row.slot_at) };
      },
      close: () => pool.end(),
      throttled: async (directoryId, pacing, retryAfterMs) => {
        check(pacing);
        await pool.query({ ...throttledSql, values: [directoryId, retryAfterMs ?? null, halveEveryMs] });
      },
      inspect: async (directoryId) => {
        const { rows } = await pool.query<{ rate: number; next_in: number; not_before_in: number }>(
          `SELECT rate, next_slot - ${NOW_MS} AS next_in, not_before - ${NOW_MS} AS not_before_in FROM ${q}.quota_budgets WHERE budget_key = $1`,
          [directoryId],
        );
        const r = rows[0];
        return r === undefined
          ? undefined
          : { ratePerSecond: Number(r.rate), nextSlotInMs: Number(r.next_in), notBeforeInMs: Number(r.not_before_in) };
      },
    });
  };
