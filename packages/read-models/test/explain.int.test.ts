import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import { createPostgresEventStore } from '@takeover/event-store-postgres';
import { loadAndExplain } from './explainPlans.js';

// Its own schema, dropped at the end. 20,000 users is enough for the planner to prefer the indexes;
// EXPLAIN_USERS=1000000 prints the plans docs/engine.md quotes.
const pool = new pg.Pool({
  host: process.env.PGHOST ?? '127.0.0.1',
  user: process.env.PGUSER ?? 'postgres',
  database: process.env.PGDATABASE ?? 'test',
  max: 4,
});
const schema = `rm_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
afterAll(async () => {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

test(
  "every list query reads through indexes: no scan of the users table, and a sort only of a selective filter's few matches",
  async () => {
    const created = await createPostgresEventStore({ pool, schema })();
    if (E.isLeft(created)) throw new Error(created.left.message);
    const users = Number(process.env.EXPLAIN_USERS ?? 20_000);
    const plans = await loadAndExplain(pool, created.right, users);
    if (process.env.EXPLAIN_USERS !== undefined) {
      const { rows } = await pool.query<{ t: string; size: string }>(
        `SELECT c.relname AS t, pg_size_pretty(pg_total_relation_size(c.oid)) AS size FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname LIKE 'rm_%' AND c.relkind = 'r'`,
        [schema],
      );
      process.stdout.write(`\n-- sizes with indexes at ${String(users)} users\n${rows.map((r) => `${r.t}: ${r.size}`).join('\n')}\n`);
    }
    for (const { name, plan, countPlan } of plans) {
      if (process.env.EXPLAIN_USERS !== undefined) process.stdout.write(`\n-- ${name}\n${plan}\n-- total\n${countPlan}\n`);
      expect({ name, indexScan: /Index (Only )?Scan/.test(plan) }).toEqual({ name, indexScan: true });
      expect({ name, seqScan: /Seq Scan/.test(plan) }).toEqual({ name, seqScan: false });
      const sorted = [...plan.matchAll(/-> {2}Sort {2}\(cost=[\d.]+ rows=(\d+)/g)].map((m) => Number(m[1]));
      expect({ name, sortsMoreThanOnePercent: sorted.some((rows) => rows > users / 100) }).toEqual({
        name,
        sortsMoreThanOnePercent: false,
      });
    }
  },
  process.env.EXPLAIN_USERS === undefined ? 120_000 : 1_200_000,
);
