import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import type { Clock } from '@takeover/engine';
import { runProjections } from '@takeover/engine';
import type { UserListSubject } from '@takeover/engine/testing';
import { userListContract } from '@takeover/engine/testing';
import type { PostgresEventStore } from '@takeover/event-store-postgres';
import { createPostgresEventStore } from '@takeover/event-store-postgres';
import { postgresProjectionTarget, postgresUserList } from '@takeover/read-models/postgres';

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

const subjectOn = async (store: PostgresEventStore, clock: Clock): Promise<UserListSubject> => {
  const list = await postgresUserList(pool, store, { clock });
  const target = postgresProjectionTarget(pool, store);
  const running = runProjections(store, target, [list.projection], { pollIntervalMs: 10 });
  return {
    store,
    view: list.view,
    catchUp: running.catchUp,
    deliver: (events) => target.transaction((tx) => list.projection.apply(tx, events)),
    restart: async () => {
      await running.stop();
      return subjectOn(store, clock);
    },
    delivered: running.delivered,
    stop: running.stop,
  };
};

userListContract('PostgreSQL (the event store schema)', {
  setup: async (clock) => {
    const schema = `rm_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    schemas.push(schema);
    const created = await createPostgresEventStore({ pool, schema })();
    if (E.isLeft(created)) throw new Error(created.left.message);
    return subjectOn(created.right, clock);
  },
});
