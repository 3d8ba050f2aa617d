import { eventStoreContract, type ContractSubject } from '@takeover/event-store/testing';
import { createPostgresEventStore, type PostgresEventStore } from '@takeover/event-store-postgres';
import type pg from 'pg';
import { dropSchema, randomSchema, testPool } from './pgTestPool.js';

const schema = randomSchema();
const pools: pg.Pool[] = [];

const open = async (): Promise<PostgresEventStore> => {
  const pool = testPool();
  pools.push(pool);
  const r = await createPostgresEventStore({ pool, schema })();
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
};

const subjectOf = (store: PostgresEventStore, pool: pg.Pool): ContractSubject => ({
  store,
  checkpoints: store.checkpoints,
  plantCorruptEvent: async (streamId) => {
    const { rows } = await pool.query<{ version: string }>(
      `INSERT INTO "${schema}".streams AS s (stream_id, version) VALUES ($1, 0)
       ON CONFLICT (stream_id) DO UPDATE SET version = s.version + 1 RETURNING version::text`,
      [streamId],
    );
    await pool.query(
      `INSERT INTO "${schema}".events (stream_id, revision, event_id, type, data, metadata)
       VALUES ($1, $2, $3, 'Counted', '{"n": "not a number"}', '{}')`,
      [streamId, rows[0]?.version, `corrupt-${streamId}`],
    );
  },
});

afterAll(async () => {
  const [first] = pools;
  if (first !== undefined) await dropSchema(first, schema);
  await Promise.all(pools.map((p) => p.end()));
});

eventStoreContract('PostgreSQL', {
  setup: async () => subjectOf(await open(), pools.at(-1) as pg.Pool),
  reopen: async () => subjectOf(await open(), pools.at(-1) as pg.Pool),
});
