// Scenario 4, SQLite append: one event per append with the exact expected version, one writer (SQLite
// has one), our adapter (`@takeover/event-store-sqlite`) against raw better-sqlite3 on the same
// schema with the same pragmas (WAL, synchronous=FULL): BEGIN IMMEDIATE; read the stream's version;
// INSERT; COMMIT. Target ≥ 0.8 of raw.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { openSqliteEventStore } from '@takeover/event-store-sqlite';
import { alternate, rateFigure, timedRate } from '../lib/measure.js';
import type { BenchContext, Scenario, ScenarioResult } from '../lib/scenario.js';
import { versionsOf } from '../lib/versions.js';

const TARGET = 0.8;

const run4 = async (ctx: BenchContext): Promise<ScenarioResult> => {
  const began = Date.now();
  // Time-boxed: each side appends for `seconds` per round.
  const seconds = Math.max(0.3, 2 * ctx.scale);
  const rounds = 3;
  const appended = { raw: 0, ours: 0 };
  const dir = mkdtempSync(join(tmpdir(), 'takeover-bench-sqlite-'));
  try {
    const opened = await openSqliteEventStore({ path: join(dir, 'ours.db') })();
    if (E.isLeft(opened)) throw new Error(`sqlite-append: cannot open our store: ${opened.left.message}`);
    const store = opened.right;
    // The raw side gets the very same schema: made by the adapter, then closed and opened raw.
    const schemaOnly = await openSqliteEventStore({ path: join(dir, 'raw.db') })();
    if (E.isLeft(schemaOnly)) throw new Error(`sqlite-append: cannot create the raw schema: ${schemaOnly.left.message}`);
    await schemaOnly.right.close();
    const db = new Sqlite(join(dir, 'raw.db'));
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      const version = db.prepare<[string], { v: number | null }>('SELECT max(revision) AS v FROM events WHERE stream_id = ?');
      const insert = db.prepare<[string, number, string, string, number]>(
        "INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, 'Bench', ?, '{}', ?)",
      );
      const append = db.transaction((s: string, expected: number, i: number) => {
        const v = version.get(s)?.v ?? -1;
        if (v !== expected) throw new Error(`sqlite-append: raw version guard failed on ${s}`);
        insert.run(s, v + 1, randomUUID(), JSON.stringify({ i }), Date.now());
      });
      const m = await alternate(rounds, {
        raw: (r) =>
          timedRate(seconds, (until) => {
            let i = 0;
            for (; performance.now() < until; i++) append.immediate(`r${r}-${i % 4}`, Math.floor(i / 4) - 1, i);
            appended.raw += i;
            return Promise.resolve(i);
          }),
        ours: (r) =>
          timedRate(seconds, async (until) => {
            let i = 0;
            for (; performance.now() < until; i++) {
              const expected = Math.floor(i / 4) - 1;
              const res = await store.appendToStream(`o${r}-${i % 4}`, [{ id: randomUUID(), type: 'Bench', data: { i } }], {
                expectedVersion: expected < 0 ? 'no-stream' : expected,
              })();
              if (E.isLeft(res)) throw new Error(`sqlite-append: our append failed: ${JSON.stringify(res.left)}`);
            }
            appended.ours += i;
            return i;
          }),
      });
      return {
        scenario: 'sqlite-append',
        parameters: {
          secondsPerSidePerRound: seconds,
          rounds,
          appendedRaw: appended.raw,
          appendedOurs: appended.ours,
          streams: 4,
          eventsPerAppend: 1,
          pragmas: 'journal_mode=WAL, synchronous=FULL',
          disk: tmpdir(),
        },
        baselineDescription:
          'raw better-sqlite3 on the same schema and pragmas: db.transaction(…).immediate = BEGIN IMMEDIATE; SELECT max(revision); INSERT; COMMIT (prepared statements)',
        figures: [rateFigure('append, 1 writer', m.ours, m.raw, TARGET)],
        versions: versionsOf(['@takeover/event-store-sqlite', 'better-sqlite3']),
        durationMs: Date.now() - began,
      };
    } finally {
      db.close();
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

export const scenario: Scenario = {
  id: 'sqlite-append',
  title: 'SQLite append with expected version: ours vs raw better-sqlite3, same pragmas',
  run: run4,
};
