// Issue 13 part 5, a read model's lag behind an append: 4 writers append to PostgreSQL (one event
// per append, a short pause between appends), a subscription feeds a read model kept in the same
// database (each batch's rows and its checkpoint in one transaction). Figure: the time from an append
// returning (committed) to its row being committed in the read model, p99 (and p50); the append's own
// latency is pg-append's figure, not this one. Ours: the store's
// LISTEN/NOTIFY wake-ups with polling as fallback (200 ms interval). Baseline: the same subscription
// polling alone (wake-ups off, the same 200 ms interval). Target: p99 ≤ 100 ms.
import * as E from 'fp-ts/lib/Either.js';
import type pg from 'pg';
import { handlerManagedCheckpoints, subscribe } from '@takeover/event-store';
import { createPostgresEventStore, type PostgresEventStore } from '@takeover/event-store-postgres';
import { quantile, round, sleep } from '../engine/common.js';
import { poolOf, schemaName, withSchemas } from '../lib/pg.js';
import type { BenchContext, Scenario, ScenarioResult } from '../lib/scenario.js';
import { versionsOf } from '../lib/versions.js';

const WRITERS = 4;
const PAUSE_MS = 10;
const POLL_MS = 200;
const TARGET_MS = 100;

/** Appends `perWriter` events per writer and resolves with each event's lag (ms) into the read model, from its append's return. */
const measure = async (pool: pg.Pool, schema: string, wakeUps: boolean, perWriter: number): Promise<number[]> => {
  const opened = await createPostgresEventStore({ pool, schema, wakeUps })();
  if (E.isLeft(opened)) throw new Error(`projection-latency: cannot open the store (${opened.left.message})`);
  const store: PostgresEventStore = opened.right;
  const table = `"${schema}".bench_read_model_${wakeUps ? 'woken' : 'polled'}`;
  await pool.query(`CREATE TABLE ${table} (event_id text PRIMARY KEY, stream_id text NOT NULL)`);
  /** When each append returned, and when its row was committed in the read model (performance.now()). */
  const appended = new Map<string, number>();
  const seen = new Map<string, number>();
  const total = WRITERS * perWriter;
  let reached: () => void = () => undefined;
  const all = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const warmIds = new Set(Array.from({ length: WRITERS }, (_, w) => `${wakeUps ? 'w' : 'p'}-${w}-warm`));
  let warmedUp: (id: string) => void = () => undefined;
  const warmed = new Promise<void>((resolve) => {
    warmedUp = (id) => {
      warmIds.delete(id);
      if (warmIds.size === 0) resolve();
    };
  });
  const sub = subscribe(store, {
    subscriptionId: `latency-${wakeUps ? 'woken' : 'polled'}`,
    checkpoints: handlerManagedCheckpoints((id) => store.checkpoints.load(id)),
    pollIntervalMs: POLL_MS,
    filter: { streamPrefix: `lat-${wakeUps ? 'w' : 'p'}-` },
    handle: (events, checkpoint) => async () => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(
          `INSERT INTO ${table} (event_id, stream_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`,
          [events.map((e) => e.id), events.map((e) => e.streamId)],
        );
        await store.saveCheckpointIn(client, `latency-${wakeUps ? 'woken' : 'polled'}`, checkpoint);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        return E.left(e);
      } finally {
        client.release();
      }
      const now = performance.now();
      for (const e of events) {
        if (e.id.endsWith('warm')) warmedUp(e.id);
        else seen.set(e.id, now);
      }
      if (seen.size >= total) reached();
      return E.right(undefined);
    },
  });
  // Warm-up, not measured: each writer's stream created and its append seen, so the subscription is
  // caught up (with wake-ups, its listening connection open) and the statements are prepared.
  await Promise.all(
    [...warmIds].map(async (id, w) => {
      const warm = await store.appendToStream(`lat-${wakeUps ? 'w' : 'p'}-${w}`, [{ id, type: 'Bench', data: {} }])();
      if (E.isLeft(warm)) throw new Error(`projection-latency: append failed (${warm.left._tag})`);
    }),
  );
  await warmed;
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; i < perWriter; i++) {
        const id = `${wakeUps ? 'w' : 'p'}-${w}-${i}`;
        const r = await store.appendToStream(`lat-${wakeUps ? 'w' : 'p'}-${w}`, [{ id, type: 'Bench', data: { i } }])();
        if (E.isLeft(r)) throw new Error(`projection-latency: append failed (${r.left._tag})`);
        appended.set(id, performance.now());
        await sleep(PAUSE_MS + ((i * 7 + w * 3) % 11));
      }
    }),
  );
  await all;
  await sub.stop();
  await store.close();
  // An event can reach the read model before its append's reply reaches the writer: that lag is 0.
  return [...appended].map(([id, at]) => Math.max(0, (seen.get(id) ?? Number.NaN) - at));
};

const runLatency = async (ctx: BenchContext): Promise<ScenarioResult> => {
  const began = Date.now();
  const perWriter = ctx.sized(500, 50);
  const schema = schemaName('latency');
  return withSchemas(ctx, [schema], async () => {
    const pool = poolOf(ctx.pg, 8);
    try {
      ctx.log(`${WRITERS} writers × ${perWriter} appends, woken then polled`);
      const woken = await measure(pool, schema, true, perWriter);
      const polled = await measure(pool, schema, false, perWriter);
      const p = (xs: number[], q: number) => round(quantile(xs, q), 1);
      const p99 = p(woken, 0.99);
      const baseP99 = p(polled, 0.99);
      return {
        scenario: 'projection-latency',
        parameters: {
          writers: WRITERS,
          appendsPerWriter: perWriter,
          pauseMs: `${PAUSE_MS}–${PAUSE_MS + 10}`,
          pollIntervalMs: POLL_MS,
          readModel: 'rows + checkpoint in one PostgreSQL transaction per batch',
        },
        baselineDescription: `the same subscription and read model with wake-ups off: polling readAll every ${POLL_MS} ms once caught up`,
        figures: [
          {
            name: 'append to read model p99',
            unit: 'ms',
            ours: p99,
            baseline: baseP99,
            ratio: p99 > 0 ? round(baseP99 / p99, 3) : 0,
            target: TARGET_MS,
            targetKind: 'at-most',
            met: p99 <= TARGET_MS,
            note: `from the append's return to the read model's commit; ratio = polling ÷ ours (higher is better)`,
          },
          {
            name: 'append to read model p50',
            unit: 'ms',
            ours: p(woken, 0.5),
            baseline: p(polled, 0.5),
            ratio: round(p(polled, 0.5) / Math.max(0.1, p(woken, 0.5)), 3),
          },
        ],
        versions: versionsOf(['@takeover/event-store', '@takeover/event-store-postgres', 'pg']),
        durationMs: Date.now() - began,
      };
    } finally {
      await pool.end();
    }
  });
};

export const scenario: Scenario = {
  id: 'projection-latency',
  title: "A read model's lag behind an append on PostgreSQL: LISTEN/NOTIFY wake-ups vs polling",
  run: runLatency,
};
