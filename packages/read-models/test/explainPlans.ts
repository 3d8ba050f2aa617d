// Loads `users` synthetic users into a fresh schema's user list tables and returns the plans of the
// console's list queries (EXPLAIN, PostgreSQL): used by explain.int.test.ts and for docs/engine.md.
import type pg from 'pg';
import { checkQuery } from '@takeover/engine';
import type { UserListQuery } from '@takeover/engine';
import { numbered, postgresUserList } from '@takeover/read-models/postgres';
import { countOf, pageOf } from '@takeover/read-models';
import type { Tables } from '@takeover/read-models';
import type { PostgresEventStore } from '@takeover/event-store-postgres';

export const queries: ReadonlyArray<readonly [string, UserListQuery]> = [
  ['first page by email', { limit: 50 }],
  [
    'a later page by name, descending',
    {
      sort: 'name',
      order: 'desc',
      limit: 50,
      after: Buffer.from(JSON.stringify(['name', 'desc', 'user 500000', 'u0500000'])).toString('base64url'),
    },
  ],
  ['failing in one directory', { filter: { directoryId: 'm365' as never, sync: 'failing' }, limit: 50 }],
  ['suspended, by last update', { filter: { state: 'suspended' }, sort: 'updated', limit: 50 }],
];

export const loadAndExplain = async (
  pool: pg.Pool,
  store: PostgresEventStore,
  users: number,
): Promise<ReadonlyArray<{ readonly name: string; readonly plan: string; readonly countPlan: string }>> => {
  await postgresUserList(pool, store);
  const s = `"${store.schema}"`;
  const T: Tables = {
    users: `${s}.rm_user_list`,
    bindings: `${s}.rm_user_directories`,
    directories: `${s}.rm_directories`,
    externalChanges: `${s}.rm_external_changes`,
    bindingCounts: `${s}.rm_binding_counts`,
    userCounts: `${s}.rm_user_counts`,
  };
  await pool.query(
    `INSERT INTO ${T.users} (user_id, email, email_key, display_name, name_key, state, password_status, updated_at, owed_work, tracked, activation_sent, bound)
    SELECT 'u' || lpad(i::text, 7, '0'), 'user' || i || '@example.com', 'user' || i || '@example.com', 'User ' || i, 'user ' || i,
      CASE WHEN i % 50 = 0 THEN 'suspended' ELSE 'active' END, 'active', to_char(timestamp '2026-01-01' + i * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      CASE WHEN i % 100 = 0 THEN 1 ELSE 0 END, '{}'::jsonb, 1, 2
    FROM generate_series(1, $1) AS i`,
    [users],
  );
  await pool.query(
    `INSERT INTO ${T.bindings} (user_id, directory_id, sync, reason, completed_at, linked, account_suspended, binding_mail_owed)
    SELECT 'u' || lpad(i::text, 7, '0'), d, CASE WHEN i % 1000 = 0 THEN 'failing' WHEN i % 3 = 0 THEN 'awaiting-first-login' ELSE 'in-sync' END,
      CASE WHEN i % 1000 = 0 THEN 'auth' END, CASE WHEN i % 3 <> 0 THEN '2026-01-02T00:00:00.000Z' END, CASE WHEN i % 3 <> 0 THEN 1 ELSE 0 END, 0, 0
    FROM generate_series(1, $1) AS i, unnest(ARRAY['google', 'm365']) AS d`,
    [users],
  );
  await pool.query(`ANALYZE ${T.users}; ANALYZE ${T.bindings}`);
  const now = Date.UTC(2026, 0, 3);
  const out = [];
  for (const [name, query] of queries) {
    const q = checkQuery(query);
    const page = numbered(pageOf(T, q, now));
    const count = numbered(countOf(T, q.filter, now));
    const plan = (await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${page.text}`, page.values)).rows
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    const countPlan = (await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${count.text}`, count.values)).rows
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    out.push({ name, plan, countPlan });
  }
  return out;
};
