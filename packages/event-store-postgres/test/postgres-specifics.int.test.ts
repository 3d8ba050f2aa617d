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

/** A store on a fresh schema (no wake-ups), and the ids its global order gives from the start. */
const globalOrderOnFreshSchema = async () => {
  const schema = fresh();
  const r = await createPostgresEventStore({ pool, schema, wakeUps: false })();
  if (r._tag === 'Left') throw new Error(r.left.message);
  const store = r.right;
  const ids = async () => {
    const page = await store.readAll({ after: Checkpoint.start, maxCount: 100 })();
    if (page._tag === 'Left') throw new Error(page.left.message);
    return page.right.events.map((e) => e.id);
  };
  return { store, schema, ids };
};

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
    // The statement the store sends for readAll, as it sends it.
    const sent: string[] = [];
    const spy = new Proxy(pool, {
      get: (target, key, receiver) => {
        if (key !== 'query') return Reflect.get(target, key, receiver) as unknown;
        return (config: unknown, ...rest: unknown[]) => {
          if (typeof config === 'object' && config !== null && 'text' in config) sent.push(String(config.text));
          return (target.query as (...a: unknown[]) => unknown).call(target, config, ...rest);
        };
      },
    });
    const r = await createPostgresEventStore({ pool: spy, schema, wakeUps: false })();
    if (r._tag === 'Left') throw new Error(r.left.message);
    sent.length = 0;
    await r.right.readAll({ after: Checkpoint.start, maxCount: 100 })();
    const text = sent.find((t) => t.includes('ORDER BY e.tx, e.global_position'));
    expect(text).toBeDefined();
    const client = await pool.connect();
    try {
      await client.query('SET enable_seqscan = off');
      await client.query(`PREPARE global_order(xid8, int8, int) AS ${text ?? ''}`);
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE global_order('0', 0, 100)`);
      expect(rows.map((x) => x['QUERY PLAN']).join('\n')).toContain('events_global_order');
    } finally {
      await client.query('DEALLOCATE ALL').catch(() => undefined);
      await client.query('RESET enable_seqscan').catch(() => undefined);
      client.release();
    }
  });

  it('an open transaction that cannot append here holds the global order back no more; one that appends still does', async () => {
    const { store, schema, ids } = await globalOrderOnFreshSchema();
    const other = fresh();
    await pool.query(`CREATE SCHEMA "${other}"; CREATE TABLE "${other}".t (x int)`);
    // Another application's transaction (another schema), with a transaction id, left open.
    const unrelated = await pool.connect();
    const appender = await pool.connect();
    try {
      await unrelated.query('BEGIN');
      await unrelated.query(`INSERT INTO "${other}".t VALUES (1)`);
      expect((await store.appendToStream('s-1', [{ id: 'e1', type: 'T', data: {} }])())._tag).toBe('Right');
      expect(await ids()).toEqual(['e1']); // before: held back until the unrelated transaction ended
      // An append left open holds back what commits after it, until it ends.
      await appender.query('BEGIN');
      await appender.query(
        `SELECT * FROM "${schema}".append_events('s-2', -3, ARRAY['e2'], ARRAY['T'], ARRAY['{}'::json], ARRAY['{}'::json])`,
      );
      expect((await store.appendToStream('s-3', [{ id: 'e3', type: 'T', data: {} }])())._tag).toBe('Right');
      expect(await ids()).toEqual(['e1']);
      await appender.query('COMMIT');
      expect(await ids()).toEqual(['e1', 'e2', 'e3']);
      // append_events refuses a transaction that has written before it (a reader could not tell it may append).
      await appender.query('BEGIN');
      await appender.query(`INSERT INTO "${other}".t VALUES (2)`);
      await expect(
        appender.query(`SELECT * FROM "${schema}".append_events('s-4', -3, ARRAY['e4'], ARRAY['T'], ARRAY['{}'::json], ARRAY['{}'::json])`),
      ).rejects.toThrow('append_events must run before any other write of its transaction');
      await appender.query('ROLLBACK');
      expect(await ids()).toEqual(['e1', 'e2', 'e3']);
    } finally {
      await unrelated.query('ROLLBACK').catch(() => undefined);
      unrelated.release();
      appender.release();
    }
  });

  it('an open append still holds the global order back while another transaction waits on it (a waiter is not the appender)', async () => {
    const { store, schema, ids } = await globalOrderOnFreshSchema();
    const appender = await pool.connect();
    const waiter = await pool.connect();
    let waiting: Promise<unknown> | undefined;
    try {
      expect((await store.appendToStream('s-1', [{ id: 'e0', type: 'T', data: {} }])())._tag).toBe('Right');
      await appender.query('BEGIN');
      await appender.query(`SELECT "${schema}".append_event('s-1', -3, 'e1', 'T', '{}'::json, '{}'::json)`);
      // A transaction that does not append (no append lock) and waits on the appender's id: it wants
      // the streams row the append changed. pg_locks then shows two rows with the appender's id.
      await waiter.query('BEGIN');
      const waiterPid = (await waiter.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      waiting = waiter.query(`UPDATE "${schema}".streams SET version = version WHERE stream_id = 's-1'`);
      // Until the waiter is seen waiting on a transaction id (a condition, not a time).
      for (;;) {
        const { rows } = await pool.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM pg_locks WHERE locktype = 'transactionid' AND NOT granted AND pid = $1`,
          [waiterPid],
        );
        if (rows[0]?.n === '1') break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect((await store.appendToStream('s-2', [{ id: 'e2', type: 'T', data: {} }])())._tag).toBe('Right');
      expect(await ids()).toEqual(['e0']); // e2 committed after the open e1: held back, not read past e1
      await appender.query('COMMIT');
      await waiting;
      await waiter.query('COMMIT');
      expect(await ids()).toEqual(['e0', 'e1', 'e2']);
    } finally {
      await appender.query('ROLLBACK').catch(() => undefined);
      await waiting?.catch(() => undefined);
      await waiter.query('ROLLBACK').catch(() => undefined);
      appender.release();
      waiter.release();
    }
  });

  it('appends one event through append_event: a retry is stored once under every expectation, and a transaction that wrote first is refused', async () => {
    const schema = fresh();
    const other = fresh();
    const r = await createPostgresEventStore({ pool, schema, wakeUps: false })();
    if (r._tag === 'Left') throw new Error(r.left.message);
    const store = r.right;
    const sent: string[] = [];
    const spy = new Proxy(pool, {
      get: (target, key, receiver) => {
        if (key !== 'query') return Reflect.get(target, key, receiver) as unknown;
        return (config: unknown, ...rest: unknown[]) => {
          if (typeof config === 'object' && config !== null && 'text' in config) sent.push(String(config.text));
          return (target.query as (...a: unknown[]) => unknown).call(target, config, ...rest);
        };
      },
    });
    const spied = await createPostgresEventStore({ pool: spy, schema, wakeUps: false })();
    if (spied._tag === 'Left') throw new Error(spied.left.message);
    sent.length = 0;
    const e0 = { id: 'one-0', type: 'T', data: { n: 0 } };
    const first = await spied.right.appendToStream('s-1', [e0], { expectedVersion: 'no-stream' })();
    expect(first).toMatchObject({ _tag: 'Right', right: { nextExpectedVersion: 0 } });
    expect(sent.filter((t) => t.includes('.append_event(')).length).toBe(1);
    expect(sent.some((t) => t.includes('.append_events('))).toBe(false);
    // The same event again: refused by the guard (probe finds it) or passing it (the unique index finds it).
    for (const expectedVersion of ['no-stream', 0, 'stream-exists', 'any'] as const) {
      expect(await store.appendToStream('s-1', [e0], { expectedVersion })()).toEqual(first);
    }
    const e1 = { id: 'one-1', type: 'T', data: { n: 1 } };
    const second = await store.appendToStream('s-1', [e1], { expectedVersion: 0 })();
    expect(second).toMatchObject({ _tag: 'Right', right: { nextExpectedVersion: 1 } });
    expect(await store.appendToStream('s-1', [e1], { expectedVersion: 0 })()).toEqual(second);
    expect(await store.appendToStream('s-1', [{ id: 'one-2', type: 'T', data: {} }], { expectedVersion: 0 })()).toMatchObject({
      _tag: 'Left',
      left: { _tag: 'VersionConflict', actual: 1 },
    });
    const stored = await store.readStream('s-1')();
    expect(stored._tag === 'Right' ? stored.right.map((e) => [e.id, e.revision]) : stored).toEqual([
      ['one-0', 0],
      ['one-1', 1],
    ]);
    const { rows } = await pool.query<{ version: string }>(
      `SELECT version::text AS version FROM "${schema}".streams WHERE stream_id = 's-1'`,
    );
    expect(rows).toEqual([{ version: '1' }]);
    await pool.query(`CREATE SCHEMA "${other}"; CREATE TABLE "${other}".t (x int)`);
    const appender = await pool.connect();
    try {
      await appender.query('BEGIN');
      await appender.query(`INSERT INTO "${other}".t VALUES (1)`);
      await expect(appender.query(`SELECT * FROM "${schema}".append_event('s-2', -3, 'e-x', 'T', '{}'::json, '{}'::json)`)).rejects.toThrow(
        'append_event must run before any other write of its transaction',
      );
      await appender.query('ROLLBACK');
    } finally {
      await appender.query('ROLLBACK').catch(() => undefined);
      appender.release();
    }
  });

  it("commits a projection state and its checkpoint in the caller's transaction", async () => {
    const schema = fresh();
    const r = await createPostgresEventStore({ pool, schema })();
    if (r._tag === 'Left') throw new Error(r.left.message);
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
    if (r._tag === 'Left') throw new Error(r.left.message);
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
