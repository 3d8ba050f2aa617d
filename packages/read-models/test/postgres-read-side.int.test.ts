import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import { runProjections } from '@takeover/engine';
import type { ReadSideSubject } from '@takeover/engine/testing';
import { readSideContract } from '@takeover/engine/testing';
import type { PostgresEventStore } from '@takeover/event-store-postgres';
import { createPostgresEventStore } from '@takeover/event-store-postgres';
import { postgresProjectionTarget, postgresReadSide } from '@takeover/read-models/postgres';

// Its own schema per subject, dropped at the end (PGHOST/PGUSER/PGDATABASE, default 127.0.0.1/postgres/test).
const pool = new pg.Pool({
  host: process.env.PGHOST ?? '127.0.0.1',
  user: process.env.PGUSER ?? 'postgres',
  database: process.env.PGDATABASE ?? 'test',
  max: 8,
});
const schemas: string[] = [];
afterAll(async () => {
  for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

// The event store's schema holds the read side too, as the host runs it.
const subjectOn = async (store: PostgresEventStore): Promise<ReadSideSubject> => {
  const { projections, ...views } = await postgresReadSide(pool, store);
  const target = postgresProjectionTarget(pool, store);
  const running = runProjections(store, target, projections, { pollIntervalMs: 10 });
  return {
    store,
    ...views,
    catchUp: running.catchUp,
    // A redelivered batch goes through its own transaction, as another instance's runner would.
    deliver: (events) =>
      target.transaction(async (tx) => {
        for (const p of projections) await p.apply(tx, events);
      }),
    restart: async () => {
      await running.stop();
      return subjectOn(store);
    },
    // Each of the four projections is handed every event: count them once.
    delivered: () => running.delivered() / projections.length,
    stop: () => running.stop(),
  };
};

readSideContract('PostgreSQL (the event store schema)', {
  setup: async () => {
    const schema = `rs_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    schemas.push(schema);
    const store = await createPostgresEventStore({ pool, schema })();
    if (E.isLeft(store)) throw new Error(store.left.message);
    return subjectOn(store.right);
  },
});
