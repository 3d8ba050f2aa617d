// Scenario 7b, a projection catching up: 1,000,000 events already in PostgreSQL, a new projection
// starts from the beginning and follows until it has seen them all. Ours: `subscribe` (the port's
// subscription: `readAll` pages of 1,000 in global order, the checkpoint saved in PostgreSQL after
// each batch) feeding a trivial projection (counts per type, last revision per stream). Baseline: raw
// keyset paging of the same rows and columns with plain `pg` feeding the same projection, saving
// nothing. Target ≥ 0.7 of raw. BENCH_SCALE shrinks the event count.
import * as TE from 'fp-ts/lib/TaskEither.js';
import { subscribe } from '@takeover/event-store';
import type { PostgresEventStore } from '@takeover/event-store-postgres';
import { alternate, rate, rateFigure } from '../lib/measure.js';
import { openOurs } from '../lib/ours.js';
import { fillEvents, poolOf, schemaName, withSchemas } from '../lib/pg.js';
import { TrivialProjection, replayRaw } from '../lib/replay.js';
import type { BenchContext, Scenario, ScenarioResult } from '../lib/scenario.js';
import { versionsOf } from '../lib/versions.js';

const BATCH = 1_000;
const TARGET = 0.7;

/** Runs a fresh subscription until the projection has seen `events`, then stops it. */
const catchUp = async (store: PostgresEventStore, id: string, events: number): Promise<void> => {
  const projection = new TrivialProjection();
  let reached: () => void = () => undefined;
  const all = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const sub = subscribe(store, {
    subscriptionId: id,
    checkpoints: store.checkpoints,
    batchSize: BATCH,
    pollIntervalMs: 50,
    handle: (batch) => {
      for (const e of batch) projection.apply(e.streamId, e.revision, e.event.type);
      if (projection.count >= events) reached();
      return TE.right(undefined);
    },
  });
  const ended = sub.done.then((r) => {
    if (r._tag === 'Left') throw new Error(`projection-catchup: the subscription ended with ${JSON.stringify(r.left)}`);
    throw new Error(`projection-catchup: the subscription stopped after ${projection.count} of ${events} events`);
  });
  await Promise.race([all, ended]);
  await sub.stop();
  if (projection.count !== events)
    throw new Error(`projection-catchup: the projection saw ${projection.count} events, ${events} were written`);
};

const run7b = async (ctx: BenchContext): Promise<ScenarioResult> => {
  const began = Date.now();
  const events = ctx.sized(1_000_000, 10_000);
  // One round of each at the full million (each pass is long enough to average out); two when smaller.
  const rounds = events >= 500_000 ? 1 : 2;
  const schema = schemaName('catchup');
  return withSchemas(ctx, [schema], async () => {
    const pool = poolOf(ctx.pg, 4);
    try {
      const store = await openOurs(pool, schema);
      ctx.log(`filling ${events} events`);
      const fillStart = Date.now();
      await fillEvents(pool, schema, events, 10_000, 50_000);
      const fillSeconds = Math.round((Date.now() - fillStart) / 100) / 10;
      ctx.log(`filled in ${fillSeconds} s; catching up, ${rounds} rounds`);
      const m = await alternate(rounds, {
        raw: () =>
          rate(events, async () => {
            const n = await replayRaw(pool, schema, BATCH, new TrivialProjection());
            if (n !== events) throw new Error(`projection-catchup: raw paging read ${n} events, ${events} were written`);
          }),
        ours: (r) => rate(events, () => catchUp(store, `catchup-${r}`, events)),
      });
      await store.close();
      return {
        scenario: 'projection-catchup',
        parameters: {
          events,
          batch: BATCH,
          rounds,
          streams: 10_000,
          fillSeconds,
          checkpoint: 'saved in PostgreSQL after every batch (ours)',
        },
        baselineDescription:
          'raw pg keyset paging of the same rows and columns: WHERE (tx, global_position) > ($1, $2) ORDER BY tx, global_position LIMIT 1000, feeding the same trivial projection, no checkpoint saved',
        figures: [rateFigure('catch-up, 1 projection', m.ours, m.raw, TARGET)],
        versions: versionsOf(['@takeover/event-store', '@takeover/event-store-postgres', 'pg']),
        durationMs: Date.now() - began,
      };
    } finally {
      await pool.end();
    }
  });
};

export const scenario: Scenario = {
  id: 'projection-catchup',
  title: 'Projection catch-up on 1,000,000 PostgreSQL events: subscribe vs raw reading',
  run: run7b,
};
