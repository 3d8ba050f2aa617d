// Scenario 1, PostgreSQL append: one event per append with the exact expected version, 1 and 8
// concurrent writers (4 streams each). Ours (`@takeover/event-store-postgres`, one round trip: the
// `append_event` function, the one-event form of `append_events`) against two raw baselines on the same server and tables: one call to a
// minimal PL/pgSQL function doing the same version guard and insert (`raw_append`: one round trip,
// the fairer floor for a store that appends through a server function, and the ratio's baseline),
// and the client-side transaction (BEGIN; UPDATE streams … WHERE version = $expected; INSERT; COMMIT:
// four round trips, the floor for a store that appends from the client); and against the peer,
// `@event-driven-io/emmett-postgresql` (its `appendToStream` with `expectedStreamVersion`). Rounds
// alternate function → transaction → ours → emmett so load drift hits all four.
import type pg from 'pg';
import { emmettWriter, openEmmett } from '../lib/emmett.js';
import { alternate, rateFigure, timedRate } from '../lib/measure.js';
import { oursWriter, openOurs } from '../lib/ours.js';
import { CLIENT_TX, createRawAppendFunction, poolOf, rawFunctionWriter, rawGuardedWriter, schemaName, withSchemas } from '../lib/pg.js';
import type { BenchContext, Figure, Scenario, ScenarioResult } from '../lib/scenario.js';
import { versionsOf } from '../lib/versions.js';

const TARGET = 0.85;

const run1 = async (ctx: BenchContext): Promise<ScenarioResult> => {
  const began = Date.now();
  const ours = schemaName('append_ours');
  const peer = schemaName('append_emmett');
  const rounds = 3;
  // Time-boxed: each contender appends for `seconds` per round, so the run's length does not depend on the load.
  const seconds = Math.max(0.3, 2.5 * ctx.scale);
  return withSchemas(ctx, [ours, peer], async () => {
    const pools: pg.Pool[] = [poolOf(ctx.pg, 10), poolOf(ctx.pg, 10)];
    const [oursPool, rawPool] = pools as [pg.Pool, pg.Pool];
    const emmett = await openEmmett(ctx.pg, peer, 10);
    try {
      const store = await openOurs(oursPool, ours);
      await createRawAppendFunction(rawPool, ours);
      // Warm-up (untimed): prepared statements, plans, the peer's lazy setup.
      await oursWriter(store, 'warm-o', 20)();
      await rawGuardedWriter(rawPool, ours, 'warm-r', 20)();
      await rawFunctionWriter(rawPool, ours, 'warm-f', 20)();
      await emmettWriter(emmett.store, 'warm-e', 20)();

      const figures: Figure[] = [];
      const appended: Record<string, number> = {};
      for (const writers of [1, 8]) {
        ctx.log(`${writers} writer(s): ${seconds} s per contender per round, ${rounds} rounds`);
        const all = (name: string, make: (tag: string, until: number) => () => Promise<number>) => (r: number) =>
          timedRate(seconds, async (until) => {
            const counts = await Promise.all(Array.from({ length: writers }, (_, w) => make(`${name}-w${writers}-r${r}-${w}`, until)()));
            const n = counts.reduce((a, b) => a + b, 0);
            appended[`${name}${writers}`] = (appended[`${name}${writers}`] ?? 0) + n;
            return n;
          });
        const m = await alternate(rounds, {
          fn: all('fn', (tag, until) => rawFunctionWriter(rawPool, ours, tag, Number.POSITIVE_INFINITY, until)),
          raw: all('raw', (tag, until) => rawGuardedWriter(rawPool, ours, tag, Number.POSITIVE_INFINITY, until)),
          ours: all('ours', (tag, until) => oursWriter(store, tag, Number.POSITIVE_INFINITY, undefined, until)),
          emmett: all('emmett', (tag, until) => emmettWriter(emmett.store, tag, Number.POSITIVE_INFINITY, undefined, until)),
        });
        const label = writers === 1 ? '1 writer' : `${writers} writers`;
        figures.push({
          ...rateFigure(`append, ${label}`, m.ours, m.fn, TARGET, { [CLIENT_TX]: m.raw, emmett: m.emmett }),
          note: `ratio = ours ÷ the server-function baseline; ours ÷ the client transaction = ${(m.ours / m.raw).toFixed(2)}; ours ÷ emmett = ${(m.ours / m.emmett).toFixed(2)} (target: ahead of the peer, > 1)`,
        });
        figures.push({
          name: `ahead of emmett, ${label}`,
          unit: 'ours ÷ emmett',
          ours: Math.round((m.ours / m.emmett) * 1000) / 1000,
          target: 1,
          targetKind: 'ratio-at-least',
          met: m.ours > m.emmett,
          note: 'the issue\'s "ahead of the peer": ours ÷ emmett-postgresql events/s',
        });
      }
      await store.close();
      return {
        scenario: 'pg-append',
        parameters: { secondsPerContenderPerRound: seconds, rounds, streamsPerWriter: 4, eventsPerAppend: 1, poolSize: 10, ...appended },
        baselineDescription:
          'baseline (the ratio\'s): one call per append of raw_append, a minimal PL/pgSQL function on our tables doing the version guard (UPDATE streams SET version = version + 1 WHERE stream_id = $1 AND version = $2, INSERT for a new stream) and INSERT INTO events: one round trip, prepared, pooled. Also measured, as the peer "client tx (4 round trips)": raw pg on our tables: BEGIN; UPDATE streams SET version = version + 1 WHERE stream_id = $1 AND version = $2 (INSERT for a new stream); INSERT INTO events; COMMIT — prepared statements, a pooled client per append',
        peerDescription:
          '@event-driven-io/emmett-postgresql appendToStream(stream, [event], { expectedStreamVersion }) on its own schema, same pool size',
        figures,
        versions: versionsOf(['@takeover/event-store-postgres', '@event-driven-io/emmett-postgresql', '@event-driven-io/emmett', 'pg']),
        durationMs: Date.now() - began,
      };
    } finally {
      await emmett.close();
      for (const p of pools) await p.end();
    }
  });
};

export const scenario: Scenario = {
  id: 'pg-append',
  title: 'PostgreSQL append with expected version: ours vs raw pg vs emmett-postgresql',
  run: run1,
};
