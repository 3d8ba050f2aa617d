// The sweep's cursor table in the PostgreSQL event store's schema: the cursor store contract, with
// a restart and parallel saves from several stores (instances) on one schema.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { directoryId } from '@takeover/core';
import { sweepCursorContract } from '@takeover/engine/testing';
import { postgresSweepCursors } from '@takeover/read-models/postgres';

const pool = new pg.Pool({
  host: process.env.PGHOST ?? '127.0.0.1',
  user: process.env.PGUSER ?? 'postgres',
  database: process.env.PGDATABASE ?? 'test',
  max: 8,
});
const schemas: string[] = [];
afterAll(async () => {
  for (const s of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await pool.end();
});
const freshSchema = () => {
  const s = `sc_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  schemas.push(s);
  return s;
};

sweepCursorContract('PostgreSQL (the event store schema)', {
  setup: async () => {
    const schema = freshSchema();
    return {
      cursors: await postgresSweepCursors(pool, schema),
      reopen: () => postgresSweepCursors(pool, schema),
      stop: () => Promise.resolve(),
    };
  },
});

test('several instances creating the table at once, then one row per directory however many rounds are saved', async () => {
  const schema = freshSchema();
  const [cursors] = await Promise.all([1, 2, 3].map(() => postgresSweepCursors(pool, schema)));
  if (cursors === undefined) throw new Error('no store');
  for (let round = 1; round <= 50; round++) expect(await cursors.save(directoryId('m365'), { cursor: `c-${round}`, round })).toBe(true);
  expect((await pool.query(`SELECT COUNT(*)::int AS n FROM "${schema}".rm_sweep_cursors`)).rows).toEqual([{ n: 1 }]);
  expect(await cursors.load(directoryId('m365'))).toEqual({ cursor: 'c-50', round: 50 });
});
