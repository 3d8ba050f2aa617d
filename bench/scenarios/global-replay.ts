// Scenario 3, global replay: events/s reading the whole log from the start in pages of 1,000 through
// our store's `readAll` (snapshot-guarded `(tx, position)` keyset, rows mapped to RecordedEvent)
// against raw keyset paging of the same index and columns with plain `pg` (no guard, no mapping).
// All feed the same trivial projection. Peer: emmett-postgresql's batch reader over the same events
// in its own table. Target ≥ 0.8 of raw.
import { fillEmmett, openEmmett } from '../lib/emmett.js';
import { alternate, rate, rateFigure } from '../lib/measure.js';
import { openOurs } from '../lib/ours.js';
import { fillEvents, poolOf, schemaName, withSchemas } from '../lib/pg.js';
import { TrivialProjection, replayEmmett, replayOurs, replayRaw } from '../lib/replay.js';
import type { BenchContext, Scenario, ScenarioResult } from '../lib/scenario.js';
import { versionsOf } from '../lib/versions.js';

const PAGE = 1_000;
const TARGET = 0.8;

const run3 = async (ctx: BenchContext): Promise<ScenarioResult> => {
  const began = Date.now();
  const events = ctx.sized(100_000, 5_000);
  const rounds = 2;
  const schema = schemaName('replay');
  const peer = schemaName('replay_emmett');
  return withSchemas(ctx, [schema, peer], async () => {
    const pool = poolOf(ctx.pg, 4);
    const emmett = await openEmmett(ctx.pg, peer, 4);
    try {
      const store = await openOurs(pool, schema);
      ctx.log(`filling ${events} events, ours and emmett's`);
      await fillEvents(pool, schema, events, 5_000);
      await fillEmmett(emmett.pool, events, 5_000);
      const check = (what: string, n: number) => {
        if (n !== events) throw new Error(`global-replay: ${what} read ${n} events, ${events} were written`);
      };
      const m = await alternate(rounds, {
        raw: () =>
          rate(events, async () => {
            check('raw paging', await replayRaw(pool, schema, PAGE, new TrivialProjection()));
          }),
        ours: () =>
          rate(events, async () => {
            check('readAll', await replayOurs(store, PAGE, new TrivialProjection()));
          }),
        emmett: () =>
          rate(events, async () => {
            check('emmett readMessagesBatch', await replayEmmett(emmett, PAGE, new TrivialProjection()));
          }),
      });
      await store.close();
      return {
        scenario: 'global-replay',
        parameters: { events, page: PAGE, rounds, streams: 5_000, payload: '~150-byte JSON data + metadata' },
        baselineDescription:
          'raw pg keyset paging: SELECT the same columns FROM events WHERE (tx, global_position) > ($1, $2) ORDER BY tx, global_position LIMIT 1000 (same index, no snapshot guard, no mapping)',
        peerDescription:
          'emmett-postgresql readMessagesBatch({ after, batchSize: 1000 }) from the start, after = currentGlobalPosition, over the same events filled into its own table (its reader orders by transaction_id, global_position; its table has no index for that order)',
        figures: [rateFigure('replay, pages of 1,000', m.ours, m.raw, TARGET, { emmett: m.emmett })],
        versions: versionsOf(['@takeover/event-store-postgres', '@event-driven-io/emmett-postgresql', 'pg']),
        durationMs: Date.now() - began,
      };
    } finally {
      await emmett.close();
      await pool.end();
    }
  });
};

export const scenario: Scenario = {
  id: 'global-replay',
  title: 'Global replay: readAll in pages vs raw keyset paging',
  run: run3,
};
