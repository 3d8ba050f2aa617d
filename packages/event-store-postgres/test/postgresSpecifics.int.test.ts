import { Checkpoint } from '@takeover/event-store';
import { connectPostgresEventStore, createPostgresEventStore, migrations } from '@takeover/event-store-postgres';
import pg from 'pg';
import { dropSchema, randomSchema, testPool } from './pgTestPool.js';

const pool = testPool(8);
const schemas: string[] = [];
const fresh = () => {
  const s = randomSchema();
  schemas.push(s);
  return s;
};

afterAll(async () => {
  for (const s of schemas) await dropSchema(pool, s);
  await pool.end();
});

describe('PostgreSQL adapter', () => {
  it('migrates one schema from several processes at once, applying each version once', async () => {
    const schema = fresh();
    const pools = Array.from({ length: 4 }, () => testPool(2));
    try {
      const results = await Promise.all(pools.map((p) => createPostgresEventStore({ pool: p, schema })()));
      expect(results.map((r) => r._tag)).toEqual(['Right', 'Right', 'Right', 'Right']);
      const { rows } = await pool.query<{ version: number }>(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
      expect(rows.map((r) => r.version)).toEqual(migrations.map((_, i) => i + 1));
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('reads the global order through the (tx, global_position) index, not a scan', async () => {
    const schema = fresh();
    const r = await createPostgresEventStore({ pool, schema })();
    if (r._tag === 'Left') throw new Error(r.left.reason);
    const client = await pool.connect();
    await client.query('SET enable_seqscan = off');
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT * FROM "${schema}".events e WHERE (e.tx, e.global_position) > ('0'::xid8, 0::int8)
       AND e.tx < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY e.tx, e.global_position LIMIT 100`,
    );
    await client.query('RESET enable_seqscan');
    client.release();
    expect(rows.map((x) => x['QUERY PLAN']).join('\n')).toContain('events_global_order');
  });

  it("commits a projection state and its checkpoint in the caller's transaction", async () => {
    const schema = fresh();
    const r = await createPostgresEventStore({ pool, schema })();
    if (r._tag === 'Left') throw new Error(r.left.reason);
    const store = r.right;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await store.saveCheckpointIn(client, 'p', Checkpoint.unsafeOf('5/7'));
      await client.query('ROLLBACK');
      expect(await store.checkpoints.load('p')()).toEqual({ _tag: 'Right', right: undefined });
      await client.query('BEGIN');
      await store.saveCheckpointIn(client, 'p', Checkpoint.unsafeOf('5/7'));
      await client.query('COMMIT');
      expect(await store.checkpoints.load('p')()).toEqual({ _tag: 'Right', right: '5/7' });
    } finally {
      client.release();
    }
  });

  it('opens its own pool from a connection string and ends it on close', async () => {
    const schema = fresh();
    const url = `postgres://${process.env.PGUSER ?? 'postgres'}@${process.env.PGHOST ?? '127.0.0.1'}/${process.env.PGDATABASE ?? 'test'}`;
    const r = await connectPostgresEventStore(url, { schema })();
    if (r._tag === 'Left') throw new Error(r.left.reason);
    const appended = await r.right.appendToStream('s', [{ id: 'e1', type: 'T', data: {} }], { expectedVersion: 'no-stream' })();
    expect(appended).toMatchObject({ _tag: 'Right', right: { nextExpectedVersion: 0 } });
    await r.right.close();
  });

  it('reports an unreachable server as StoreUnavailable', async () => {
    const down = new pg.Pool({ host: '127.0.0.1', port: 1, user: 'postgres', database: 'test', connectionTimeoutMillis: 2_000 });
    const r = await createPostgresEventStore({ pool: down, schema: 'never_created' })();
    expect(r).toMatchObject({ _tag: 'Left', left: { _tag: 'StoreUnavailable' } });
    await down.end();
  });
});
