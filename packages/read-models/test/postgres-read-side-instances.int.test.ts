// Three host instances run the same read-side projections on one PostgreSQL schema while the events
// are being appended: every row is written once, and every instance answers the same.
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import { anyEventDecoder, runProjections } from '@takeover/engine';
import type { Recorded } from '@takeover/engine';
import { readSideFixture } from '@takeover/engine/testing';
import type { EventStore } from '@takeover/event-store';
import { createPostgresEventStore } from '@takeover/event-store-postgres';
import { postgresProjectionTarget, postgresReadSide } from '@takeover/read-models/postgres';

const pool = new pg.Pool({
  host: process.env.PGHOST ?? '127.0.0.1',
  user: process.env.PGUSER ?? 'postgres',
  database: process.env.PGDATABASE ?? 'test',
  max: 16,
});
const schema = `rs_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
afterAll(async () => {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

test('several instances projecting one schema at once write each row once and answer alike', async () => {
  const opened = await createPostgresEventStore({ pool, schema })();
  if (E.isLeft(opened)) throw new Error(opened.left.message);
  const store = opened.right;
  const instances = await Promise.all(
    [1, 2, 3].map(async () => {
      const side = await postgresReadSide(pool, store);
      return {
        side,
        running: runProjections(store, postgresProjectionTarget(pool, store), side.projections, { pollIntervalMs: 5, batchSize: 7 }),
      };
    }),
  );
  try {
    // The fixtures append through a store that remembers what it appended: PostgreSQL shows an event
    // in the global order only once every older transaction on the server has ended, and catchUp
    // waits only for what it can read.
    const appended: string[] = [];
    const tracking: EventStore = {
      appendToStream: (streamId, events, options) => async () => {
        const r = await store.appendToStream(streamId, events, options)();
        if (E.isRight(r)) appended.push(...events.map((e) => e.id));
        return r;
      },
      readStream: (streamId, options) => store.readStream(streamId, options),
      readAll: (options) => store.readAll(options),
      close: () => store.close(),
    };
    const fixtures = await Promise.all([readSideFixture(tracking), readSideFixture(tracking)]);
    for (;;) {
      const all = await store.readAll({ maxCount: 10_000 })();
      const seen = new Set(E.isRight(all) ? all.right.events.map((e) => e.id) : []);
      if (appended.every((id) => seen.has(id))) break;
      await new Promise((resolve) => {
        setImmediate(resolve);
      });
    }
    await Promise.all(instances.map((i) => i.running.catchUp()));
    const page = await store.readAll({ maxCount: 10_000, decoder: anyEventDecoder })();
    if (E.isLeft(page)) throw new Error('cannot read the store');
    const events = page.right.events.filter((e): e is Recorded => e.event !== null);
    const userEvents = events.filter((e) => e.event !== null && 'userId' in e.event.data);
    const counts = await pool.query<{ entries: string; distinct_entries: string; notes: string; pushes: string }>(`SELECT
      (SELECT count(*) FROM "${schema}".rm_audit_entries) AS entries, (SELECT count(DISTINCT event_id) FROM "${schema}".rm_audit_entries) AS distinct_entries,
      (SELECT count(*) FROM "${schema}".rm_notices) AS notes, (SELECT count(*) FROM "${schema}".rm_why_pushes) AS pushes`);
    expect(counts.rows[0]).toEqual({
      entries: String(userEvents.length),
      distinct_entries: String(userEvents.length),
      notes: String(events.filter((e) => e.event.type === 'PushSucceeded').length),
      pushes: String(new Set(events.flatMap((e) => (e.event.type === 'PushStarted' ? [e.event.data.pushId] : []))).size),
    });
    for (const f of fixtures) {
      const answers = await Promise.all(
        instances.map(async ({ side }) =>
          Promise.all([
            side.audit.forUser(f.ada),
            side.audit.logins(f.ada),
            side.notifications.forUser(f.ada),
            side.why.pushesOf(f.ada),
            side.health.directoryHealth('google' as never),
          ]),
        ),
      );
      expect(answers[1]).toEqual(answers[0]);
      expect(answers[2]).toEqual(answers[0]);
      expect(answers[0]?.[1].map((l) => l.synchronised.length)).toEqual([2, 1]);
    }
  } finally {
    await Promise.all(instances.map((i) => i.running.stop()));
  }
});
