import { randomUUID } from 'node:crypto';
import { Checkpoint } from '@takeover/event-store';
import { createPostgresEventStore, type PostgresEventStore } from '@takeover/event-store-postgres';
import pg from 'pg';
import { compare, rate, report } from './report.js';

const poolOf = (max: number) => new pg.Pool({
  host: process.env.PGHOST ?? '127.0.0.1', user: process.env.PGUSER ?? 'postgres', database: process.env.PGDATABASE ?? 'test', max,
});

/** Per writer: `count` appends of one event with an exact expected version, over 4 streams. */
const oursWriter = (store: PostgresEventStore, tag: string, count: number) => async () => {
  const versions = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const s = `${tag}-${i % 4}`;
    const r = await store.appendToStream(s, [{ id: randomUUID(), type: 'Bench', data: { i } }], { expectedVersion: versions.get(s) ?? 'no-stream' })();
    if (r._tag === 'Left') throw new Error(JSON.stringify(r.left));
    versions.set(s, r.right.nextExpectedVersion);
  }
};

/** The raw baseline: BEGIN; version-guard UPDATE (INSERT for a new stream); INSERT; COMMIT. */
const rawWriter = (pool: pg.Pool, q: string, tag: string, count: number) => async () => {
  const versions = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const s = `${tag}-${i % 4}`;
    const v = versions.get(s);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const guard = v === undefined
        ? await client.query({ name: 'raw_new', text: `INSERT INTO ${q}.streams (stream_id, version) VALUES ($1, 0)`, values: [s] })
        : await client.query({ name: 'raw_guard', text: `UPDATE ${q}.streams SET version = version + 1 WHERE stream_id = $1 AND version = $2`, values: [s, v] });
      if (guard.rowCount !== 1) throw new Error('conflict');
      const next = v === undefined ? 0 : v + 1;
      await client.query({
        name: 'raw_insert',
        text: `INSERT INTO ${q}.events (stream_id, revision, event_id, type, data, metadata) VALUES ($1, $2, $3, 'Bench', $4, '{}')`,
        values: [s, next, randomUUID(), JSON.stringify({ i })],
      });
      await client.query('COMMIT');
      versions.set(s, next);
    } finally {
      client.release();
    }
  }
};

const appendFigure = async (store: PostgresEventStore, pool: pg.Pool, q: string, writers: number, perWriter: number) => {
  const n = writers * perWriter;
  const [ours, raw] = await compare(2,
    (r) => rate(n, async () => { await Promise.all(Array.from({ length: writers }, (_, w) => oursWriter(store, `o${writers}-${r}-${w}`, perWriter)())); }),
    (r) => rate(n, async () => { await Promise.all(Array.from({ length: writers }, (_, w) => rawWriter(pool, q, `r${writers}-${r}-${w}`, perWriter)())); }));
  report(`postgres.append.${writers}-writer${writers > 1 ? 's' : ''}`, n, ours, raw, 0.85);
};

const readFigure = async (store: PostgresEventStore, pool: pg.Pool, q: string) => {
  const { rows } = await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${q}.events`);
  const n = Number(rows[0]?.n ?? 0);
  const ours = async () => {
    let after = Checkpoint.start;
    for (;;) {
      const page = await store.readAll({ after, maxCount: 1_000 })();
      if (page._tag === 'Left') throw new Error(page.left._tag);
      if (page.right.events.length === 0) return;
      after = page.right.checkpoint;
    }
  };
  // Raw paging of the same table and index, without the snapshot guard or any mapping.
  const raw = async () => {
    let tx = '0';
    let gp = '0';
    for (;;) {
      const page = await pool.query<{ tx: string; gp: string }>({
        name: 'raw_page',
        text: `SELECT e.global_position::text AS gp, e.tx::text AS tx, e.stream_id, e.revision, e.event_id, e.type, e.data, e.metadata, e.recorded_at
          FROM ${q}.events e WHERE (e.tx, e.global_position) > ($1::xid8, $2::int8) ORDER BY e.tx, e.global_position LIMIT 1000`,
        values: [tx, gp],
      });
      const last = page.rows.at(-1);
      if (last === undefined) return;
      ({ tx, gp } = last);
    }
  };
  const [a, b] = await compare(3, () => rate(n, ours), () => rate(n, raw));
  report('postgres.read-all.pages-of-1000', n, a, b, 0.8);
};

export const benchPostgres = async (scale: number): Promise<void> => {
  const pool = poolOf(10);
  const schema = `bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const q = `"${schema}"`;
  try {
    const created = await createPostgresEventStore({ pool, schema })();
    if (created._tag === 'Left') throw new Error(created.left.reason);
    const store = created.right;
    await appendFigure(store, pool, q, 1, Math.max(50, Math.round(1_500 * scale)));
    await appendFigure(store, pool, q, 8, Math.max(20, Math.round(500 * scale)));
    const fill = Math.round(40_000 * scale);
    for (let i = 0; i < fill; i += 500) {
      const batch = Array.from({ length: 500 }, (_, k) => ({ id: randomUUID(), type: 'Bench', data: { i: i + k, text: 'x'.repeat(100) } }));
      const r = await store.appendToStream(`fill-${i % 50}`, batch)();
      if (r._tag === 'Left') throw new Error(r.left._tag);
    }
    await readFigure(store, pool, q);
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${q} CASCADE`);
    await pool.end();
  }
};
