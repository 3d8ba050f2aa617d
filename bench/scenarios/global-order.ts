// Scenario 2, global order under concurrent writers: W writers (4, then 8) append one event per
// append while a reader tails the global order in pages of 50; afterwards, once every write is
// visible, the reader drains. Counted: events appended but never delivered (lost) and delivered
// more than once (duplicated).
// - ours: `readAll` with its `(tx, position)` checkpoint below the snapshot's xmin;
// - baseline: the naive raw reader `global_position > $last ORDER BY global_position` tailing the
//   same writes at the same time (what a sequence-ordered log does without a guard);
// - peer: emmett-postgresql's batch reader (`readMessagesBatch`, advancing `after` to the
//   `currentGlobalPosition` it returns, exactly as its consumer's puller does) tailing its own store
//   while the same number of writers append through its `appendToStream`.
// Target 0 lost and 0 duplicated for ours. The peer's published version checkpoints on the position
// while reading in transaction order, so it can skip late commits; the counts are shown as measured.
import * as E from 'fp-ts/lib/Either.js';
import { Checkpoint } from '@takeover/event-store';
import type { PostgresEventStore } from '@takeover/event-store-postgres';
import type pg from 'pg';
import { emmettWriter, openEmmett, type Emmett } from '../lib/emmett.js';
import { oursWriter, openOurs } from '../lib/ours.js';
import { poolOf, schemaName, withSchemas } from '../lib/pg.js';
import type { BenchContext, Figure, Scenario, ScenarioResult } from '../lib/scenario.js';
import { versionsOf } from '../lib/versions.js';

const PAGE = 50;
const DRAIN_TIMEOUT_MS = 120_000;
const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

/** A tailing reader: `page()` returns the ids of the next page (empty when nothing new is visible). */
interface Tail {
  readonly page: () => Promise<ReadonlyArray<string>>;
}

interface Count {
  readonly lost: number;
  readonly duplicated: number;
  readonly delivered: number;
}

/**
 * Tails while `writing` runs, then drains: reads until a page is empty at a moment when every
 * write is visible to a snapshot-guarded reader (`visible()`), then once more.
 */
const follow = async (tails: ReadonlyArray<Tail>, writing: Promise<void>, visible: () => Promise<boolean>): Promise<string[][]> => {
  let done = false;
  const finished = writing.finally(() => {
    done = true;
  });
  const seen = tails.map(() => [] as string[]);
  const loops = tails.map(async (tail, k) => {
    const into = seen[k] as string[];
    const deadline = () => Date.now() > drainStart + DRAIN_TIMEOUT_MS;
    let drainStart = Number.POSITIVE_INFINITY;
    for (;;) {
      const ids = await tail.page();
      into.push(...ids);
      if (ids.length > 0) continue;
      if (!done) {
        await sleep(2);
        continue;
      }
      if (drainStart === Number.POSITIVE_INFINITY) drainStart = Date.now();
      if (await visible()) {
        const last = await tail.page();
        into.push(...last);
        if (last.length === 0) return;
        continue;
      }
      if (deadline())
        throw new Error(
          `global-order: writes did not become visible within ${DRAIN_TIMEOUT_MS / 1000} s (a long transaction elsewhere in the cluster holds pg_snapshot_xmin back)`,
        );
      await sleep(20);
    }
  });
  await finished;
  await Promise.all(loops);
  return seen;
};

const count = (appended: ReadonlySet<string>, seen: ReadonlyArray<string>): Count => {
  const unique = new Set(seen);
  let lost = 0;
  for (const id of appended) if (!unique.has(id)) lost++;
  return { lost, duplicated: seen.length - unique.size, delivered: seen.length };
};

const oursTail = (store: PostgresEventStore): Tail => {
  let after = Checkpoint.start;
  return {
    page: async () => {
      const r = await store.readAll({ after, maxCount: PAGE })();
      if (E.isLeft(r)) throw new Error(`global-order: our readAll failed: ${JSON.stringify(r.left)}`);
      after = r.right.checkpoint;
      return r.right.events.map((e) => e.id);
    },
  };
};

/** The naive reader on our table: `global_position > last`, no snapshot guard. */
const naiveTail = (pool: pg.Pool, schema: string): Tail => {
  let last = '0';
  return {
    page: async () => {
      const { rows } = await pool.query<{ gp: string; event_id: string }>({
        name: 'naive_page',
        text: `SELECT global_position::text AS gp, event_id FROM "${schema}".events WHERE global_position > $1 ORDER BY global_position LIMIT ${PAGE}`,
        values: [last],
      });
      last = rows.at(-1)?.gp ?? last;
      return rows.map((r) => r.event_id);
    },
  };
};

const emmettTail = (emmett: Emmett): Tail => {
  let after = 0n;
  return {
    page: async () => {
      const r = await emmett.readBatch(after, PAGE);
      after = r.next;
      return r.messages.map((m) => m.id);
    },
  };
};

/** Every write committed so far is below the oldest running transaction (what the guarded readers wait for). */
const allVisible = (pool: pg.Pool, table: string, txColumn: string) => async (): Promise<boolean> => {
  const { rows } = await pool.query<{ ok: boolean | null }>(
    `SELECT coalesce((SELECT max(${txColumn}) FROM ${table}) < pg_snapshot_xmin(pg_current_snapshot()), true) AS ok`,
  );
  return rows[0]?.ok === true;
};

const run2 = async (ctx: BenchContext): Promise<ScenarioResult> => {
  const began = Date.now();
  const total = ctx.sized(3_000, 200);
  {
    const figures: Figure[] = [];
    const parameters: Record<string, number | string> = { eventsPerRun: total, page: PAGE, streamsPerWriter: 4 };
    for (const writers of [4, 8]) {
      const each = Math.ceil(total / writers);
      const ours = schemaName(`order_ours_${writers}`);
      const peer = schemaName(`order_emmett_${writers}`);
      const [o, b, p] = await withSchemas(ctx, [ours, peer], async () => {
        const pool = poolOf(ctx.pg, writers + 4);
        const emmett = await openEmmett(ctx.pg, peer, writers + 4);
        try {
          const store = await openOurs(pool, ours);
          ctx.log(`${writers} writers × ${each} appends, ours (with the naive reader alongside)`);
          const appendedOurs = new Set<string>();
          const writingOurs = Promise.all(
            Array.from({ length: writers }, (_, w) => oursWriter(store, `o${writers}-${w}`, each, (id) => appendedOurs.add(id))()),
          ).then(() => undefined);
          const [seenOurs = [], seenNaive = []] = await follow(
            [oursTail(store), naiveTail(pool, ours)],
            writingOurs,
            allVisible(pool, `"${ours}".events`, 'tx'),
          );
          ctx.log(`${writers} writers × ${each} appends, emmett-postgresql`);
          const appendedPeer = new Set<string>();
          const writingPeer = Promise.all(
            Array.from({ length: writers }, (_, w) => emmettWriter(emmett.store, `e${writers}-${w}`, each, (id) => appendedPeer.add(id))()),
          ).then(() => undefined);
          const [seenPeer = []] = await follow(
            [emmettTail(emmett)],
            writingPeer,
            allVisible(pool, `"${peer}".emt_messages`, 'transaction_id'),
          );
          await store.close();
          return [count(appendedOurs, seenOurs), count(appendedOurs, seenNaive), count(appendedPeer, seenPeer)] as const;
        } finally {
          await emmett.close();
          await pool.end();
        }
      });
      parameters[`delivered${writers}`] = `ours ${o.delivered}, naive ${b.delivered}, emmett ${p.delivered} of ${writers * each}`;
      figures.push(
        {
          name: `lost, ${writers} writers`,
          unit: 'events',
          ours: o.lost,
          baseline: b.lost,
          peers: { emmett: p.lost },
          target: 0,
          targetKind: 'equals',
          met: o.lost === 0,
          note: `of ${writers * each} appended; baseline = naive global_position > last reader`,
        },
        {
          name: `duplicated, ${writers} writers`,
          unit: 'events',
          ours: o.duplicated,
          baseline: b.duplicated,
          peers: { emmett: p.duplicated },
          target: 0,
          targetKind: 'equals',
          met: o.duplicated === 0,
          note: `of ${writers * each} appended`,
        },
      );
    }
    return {
      scenario: 'global-order',
      parameters,
      baselineDescription:
        'a naive raw reader on our events table, SELECT … WHERE global_position > $last ORDER BY global_position LIMIT 50, tailing the same writes as ours at the same time',
      peerDescription:
        "emmett-postgresql: the same number of writers through appendToStream, tailed by readMessagesBatch({ after, batchSize: 50 }) with after = currentGlobalPosition (its consumer's puller loop, without its sleeps)",
      figures,
      versions: versionsOf(['@takeover/event-store-postgres', '@event-driven-io/emmett-postgresql', 'pg']),
      durationMs: Date.now() - began,
    };
  }
};

export const scenario: Scenario = {
  id: 'global-order',
  title: 'Global order under concurrent writers: lost and duplicated events of a tailing reader',
  run: run2,
};
