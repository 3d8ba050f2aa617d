// Scenario console: the admin console's reads at 100,000 users (issue 14), through the example
// host's real HTTP API (Fastify, the bearer check, the read model's catch-up, JSON), on SQLite (the
// event store's file) and on PostgreSQL (the event store's schema). The users are written straight
// into the host's persisted user list (rows as its projection writes them: two directories, every
// sync state, staged and suspended users, some detected external changes), not folded from events:
// what is measured is the read, not the projection (projection-catchup measures that). Figures:
// `GET /api/rollout` (the overview) and `GET /api/users?…filter…` (a filtered page of 50, with its
// total), p50 and p99 over sequential requests, each against an absolute target of 200 ms.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { TEST_SCRYPT_COST, buildServer, createHostApp, loadConfig, describeConfigErrors } from '@takeover/example-host';
import { quantile, round, versionsOf } from '../engine/common.js';
import { poolOf, schemaName, withSchemas } from '../lib/pg.js';
import { freePort } from '../lib/ports.js';
import type { BenchContext, Figure, Scenario, ScenarioResult } from '../lib/scenario.js';

const FULL_USERS = 100_000;
const TARGET_MS = 200;

/** The filtered pages asked in turn: selective and broad, by directory and state, by text, sorted three ways. */
export const FILTERS: ReadonlyArray<string> = [
  'directoryId=google&sync=failing',
  'directoryId=microsoft&sync=awaiting-first-login',
  'state=suspended&sort=name',
  'sync=in-sync&sort=updated&order=desc',
  'text=grace',
  'directoryId=google&sync=failing&failingReason=auth',
  'state=staged&directoryId=microsoft',
];

interface Running {
  readonly url: string;
  readonly token: string;
  readonly close: () => Promise<void>;
}

const startHost = async (env: Record<string, string>): Promise<Running> => {
  const port = await freePort();
  const token = randomBytes(32).toString('base64url');
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${String(port)}`,
    ADMIN_API_KEY: token,
    LOG_LEVEL: 'warn',
    EXTERNAL_CHANGE_SWEEP_SECONDS: '0',
    ...env,
  });
  if (E.isLeft(config)) throw new Error(`console: bad host environment:\n${describeConfigErrors(config.left)}`);
  const app = await createHostApp(config.right, { scrypt: TEST_SCRYPT_COST, emulatorScryptN: 1024 });
  const server = await buildServer(app);
  await server.listen({ port, host: '127.0.0.1' });
  return {
    url: app.settings.publicUrl,
    token,
    close: async () => {
      await server.close();
      await app.close(5_000);
    },
  };
};

const NAMES = ['ada', 'grace', 'alan', 'edsger', 'barbara', 'donald', 'margaret', 'ken', 'radia', 'linus', 'frances', 'john'];
const FAMILIES = ['lovelace', 'hopper', 'turing', 'dijkstra', 'liskov', 'knuth', 'hamilton', 'thompson', 'perlman', 'torvalds'];

/** User i's rows, deterministic: about 80 % bound to Google, 60 % to Microsoft, every sync state. */
export const userRows = (i: number, nowMs: number) => {
  const id = `bench-${String(i).padStart(7, '0')}`;
  const given = NAMES[i % NAMES.length] ?? 'ada';
  const family = FAMILIES[Math.floor(i / NAMES.length) % FAMILIES.length] ?? 'lovelace';
  const email = `${given}.${family}.${String(i)}@example.com`;
  const display = `${given[0]?.toUpperCase() ?? ''}${given.slice(1)} ${family[0]?.toUpperCase() ?? ''}${family.slice(1)} ${String(i)}`;
  const state = i % 25 === 0 ? 'suspended' : i % 17 === 0 ? 'staged' : 'active';
  const passwordStatus = i % 4 === 0 ? 'pending' : 'active';
  const updatedAt = new Date(Date.UTC(2026, 0, 1) + ((i * 7919) % 8_640_000) * 1000).toISOString();
  const syncOf = (k: number): { sync: string; reason: string | null; lease: number | null; expired: string | null } => {
    if (state !== 'active') return { sync: 'paused', reason: null, lease: null, expired: null };
    if (passwordStatus === 'pending') return { sync: 'awaiting-first-login', reason: null, lease: null, expired: null };
    const r = k % 100;
    if (r < 2) return { sync: 'failing', reason: ['auth', 'policy', 'retryable'][k % 3] ?? 'auth', lease: null, expired: null };
    if (r < 3) return { sync: 'unresolved', reason: 'not-found', lease: null, expired: null };
    if (r < 4) return { sync: 'in-flight', reason: null, lease: nowMs + 3_600_000, expired: 'pending' };
    if (r < 9) return { sync: 'pending', reason: null, lease: null, expired: null };
    if (r < 25) return { sync: 'awaiting-first-login', reason: null, lease: null, expired: null };
    return { sync: 'in-sync', reason: null, lease: null, expired: null };
  };
  const bindings = [
    ...(i % 5 !== 0 ? [{ directory: 'google', ...syncOf(i * 31 + 7) }] : []),
    ...(i % 5 < 3 ? [{ directory: 'microsoft', ...syncOf(i * 17 + 3) }] : []),
  ].map((b) => ({
    ...b,
    externalKey: b.sync === 'unresolved' || b.sync === 'awaiting-first-login' ? null : `ext-${id}`,
    lastSuccessAt: b.sync === 'in-sync' ? updatedAt : null,
    completedAt: b.sync === 'in-sync' || b.sync === 'pending' ? updatedAt : null,
  }));
  const external =
    i % 97 === 0 && bindings[0] !== undefined ? [{ directory: bindings[0].directory, source: i % 2 === 0 ? 'sweep' : 'login-check' }] : [];
  return {
    user: [id, email, email.toLowerCase(), display, display.toLowerCase(), state, passwordStatus, updatedAt, bindings.length] as const,
    bindings: bindings.map(
      (b) =>
        [
          id,
          b.directory,
          b.sync,
          b.reason,
          b.lease,
          b.lease === null ? null : b.expired,
          null,
          b.externalKey,
          b.lastSuccessAt,
          b.completedAt,
          b.externalKey === null ? 0 : 1, // linked
          0, // account_suspended (by us)
          0, // binding_mail_owed
        ] as const,
    ),
    external: external.map((x) => [id, x.directory, x.source, 1] as const),
  };
};

const USER_COLUMNS =
  'user_id, email, email_key, display_name, name_key, state, password_status, updated_at, bound, owed_work, tracked, activation_sent';
const BINDING_COLUMNS =
  'user_id, directory_id, sync, reason, lease_until, expired_sync, expired_reason, external_key, last_success_at, completed_at, linked, account_suspended, binding_mail_owed';

const loadSqlite = (file: string, users: number, nowMs: number): void => {
  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 30000');
    const user = db.prepare(`INSERT INTO rm_user_list (${USER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '{}', 0)`);
    const binding = db.prepare(`INSERT INTO rm_user_directories (${BINDING_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const external = db.prepare('INSERT INTO rm_external_changes (user_id, directory_id, source, n) VALUES (?, ?, ?, ?)');
    db.transaction(() => {
      for (let i = 1; i <= users; i++) {
        const r = userRows(i, nowMs);
        user.run(...r.user);
        for (const b of r.bindings) binding.run(...b);
        for (const x of r.external) external.run(...x);
      }
      // The counts the projection maintains with the rows (what the overview and the totals read).
      db.exec(`INSERT INTO rm_binding_counts (directory_id, sync, reason, n)
        SELECT directory_id, sync, coalesce(reason, ''), count(*) FROM rm_user_directories WHERE user_id LIKE 'bench-%' GROUP BY 1, 2, 3
        ON CONFLICT (directory_id, sync, reason) DO UPDATE SET n = n + excluded.n;
        INSERT INTO rm_user_counts (state, n) SELECT state, count(*) FROM rm_user_list WHERE user_id LIKE 'bench-%' GROUP BY 1
        ON CONFLICT (state) DO UPDATE SET n = n + excluded.n;`);
    }).immediate();
  } finally {
    db.close();
  }
};

const loadPostgres = async (ctx: BenchContext, schema: string, users: number, nowMs: number): Promise<void> => {
  const pool = poolOf(ctx.pg, 1);
  try {
    const s = `"${schema}"`;
    for (let from = 1; from <= users; from += 10_000) {
      const rows = Array.from({ length: Math.min(10_000, users - from + 1) }, (_, k) => userRows(from + k, nowMs));
      const col = <T>(xs: ReadonlyArray<ReadonlyArray<T>>, j: number) => xs.map((x) => x[j]);
      const u = rows.map((r) => r.user);
      await pool.query(
        `INSERT INTO ${s}.rm_user_list (${USER_COLUMNS})
        SELECT a, b, c, d, e, f, g, h, i, 0, '{}'::jsonb, 0
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[]) AS t(a, b, c, d, e, f, g, h, i)`,
        [0, 1, 2, 3, 4, 5, 6, 7, 8].map((j) => col(u, j)),
      );
      const b = rows.flatMap((r) => r.bindings);
      await pool.query(
        `INSERT INTO ${s}.rm_user_directories (${BINDING_COLUMNS})
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
          $11::int[], $12::int[], $13::int[])`,
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((j) => col(b, j)),
      );
      const x = rows.flatMap((r) => r.external);
      if (x.length > 0)
        await pool.query(
          `INSERT INTO ${s}.rm_external_changes (user_id, directory_id, source, n) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[])`,
          [0, 1, 2, 3].map((j) => col(x, j)),
        );
    }
    // The counts the projection maintains with the rows (what the overview and the totals read).
    await pool.query(`INSERT INTO ${s}.rm_binding_counts (directory_id, sync, reason, n)
      SELECT directory_id, sync, coalesce(reason, ''), count(*) FROM ${s}.rm_user_directories WHERE user_id LIKE 'bench-%' GROUP BY 1, 2, 3
      ON CONFLICT (directory_id, sync, reason) DO UPDATE SET n = ${s}.rm_binding_counts.n + excluded.n`);
    await pool.query(`INSERT INTO ${s}.rm_user_counts (state, n)
      SELECT state, count(*) FROM ${s}.rm_user_list WHERE user_id LIKE 'bench-%' GROUP BY 1
      ON CONFLICT (state) DO UPDATE SET n = ${s}.rm_user_counts.n + excluded.n`);
    // What autovacuum's analyze does shortly after such a load.
    await pool.query(`ANALYZE ${s}.rm_user_list; ANALYZE ${s}.rm_user_directories; ANALYZE ${s}.rm_external_changes`);
  } finally {
    await pool.end();
  }
};

/** Milliseconds of each of `n` sequential GETs (after `warm` unmeasured ones); every answer must be 200 and pass `check`. */
const timeGets = async (
  host: Running,
  paths: ReadonlyArray<string>,
  n: number,
  check: (path: string, body: unknown) => void,
): Promise<number[]> => {
  const get = async (path: string): Promise<number> => {
    const began = performance.now();
    const res = await fetch(`${host.url}${path}`, { headers: { authorization: `Bearer ${host.token}`, accept: 'application/json' } });
    const body = (await res.json()) as unknown;
    const ms = performance.now() - began;
    if (res.status !== 200) throw new Error(`console: GET ${path} answered ${String(res.status)}: ${JSON.stringify(body).slice(0, 300)}`);
    check(path, body);
    return ms;
  };
  for (const p of paths) await get(p);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await get(paths[i % paths.length] ?? '/'));
  return out;
};

interface Measured {
  readonly overview: ReadonlyArray<number>;
  readonly page: ReadonlyArray<number>;
  readonly bound: number;
  readonly externalChanges: number;
  /** The median of each filter's page alone (10 requests each): which one a slow p99 comes from. */
  readonly perFilter: Readonly<Record<string, number>>;
}

const measure = async (host: Running, users: number, requests: number): Promise<Measured> => {
  let bound = 0;
  let externalChanges = 0;
  const overview = await timeGets(host, ['/api/rollout'], requests, (_path, body) => {
    const dirs = (body as { directories: Array<{ bound: number; externalChanges: number }> }).directories;
    bound = dirs.reduce((n, d) => n + d.bound, 0);
    externalChanges = dirs.reduce((n, d) => n + d.externalChanges, 0);
  });
  const perFilter: Record<string, number> = {};
  for (const f of FILTERS) perFilter[f] = round(quantile(await timeGets(host, [`/api/users?${f}&limit=50`], 10, () => undefined), 0.5), 1);
  const page = await timeGets(
    host,
    FILTERS.map((f) => `/api/users?${f}&limit=50`),
    requests,
    (path, body) => {
      const p = body as { users: unknown[]; total: number };
      if (p.total > users || p.users.length > 50 || (p.total > 0 && p.users.length === 0))
        throw new Error(`console: GET ${path} answered an impossible page (${String(p.users.length)} of ${String(p.total)})`);
    },
  );
  return { overview, page, bound, externalChanges, perFilter };
};

const expected = (users: number, nowMs: number) => {
  let bound = 0;
  let external = 0;
  for (let i = 1; i <= users; i++) {
    const r = userRows(i, nowMs);
    bound += r.bindings.length;
    external += r.external.length;
  }
  return { bound, external };
};

const figuresOf = (store: string, m: Measured): Figure[] => {
  const ms = (xs: ReadonlyArray<number>, q: number) => round(quantile(xs, q), 1);
  const one = (name: string, xs: ReadonlyArray<number>, q: number, note: string): Figure => {
    const ours = ms(xs, q);
    return { name: `${name} (${store})`, unit: 'ms', ours, target: TARGET_MS, targetKind: 'at-most', met: ours <= TARGET_MS, note };
  };
  return [
    one('overview p50', m.overview, 0.5, 'GET /api/rollout, sequential, over HTTP'),
    one('overview p99', m.overview, 0.99, 'GET /api/rollout'),
    one('filtered page p50', m.page, 0.5, `GET /api/users?…&limit=50 with its total, ${String(FILTERS.length)} filters in turn`),
    one('filtered page p99', m.page, 0.99, 'GET /api/users?…&limit=50'),
  ];
};

const run = async (ctx: BenchContext): Promise<ScenarioResult> => {
  const began = Date.now();
  const users = ctx.sized(FULL_USERS, 2_000);
  const requests = Math.max(50, ctx.sized(300, 50));
  const nowMs = Date.now();
  const want = expected(users, nowMs);
  const figures: Figure[] = [];
  const perFilter: Record<string, Readonly<Record<string, number>>> = {};
  const checkCounts = (store: string, m: Measured) => {
    if (m.bound !== want.bound || m.externalChanges !== want.external)
      throw new Error(
        `console (${store}): the overview counted ${String(m.bound)} bindings and ${String(m.externalChanges)} external changes, not ${String(want.bound)} and ${String(want.external)}`,
      );
  };

  // SQLite: the event store's file in a fresh DATA_DIR.
  const dataDir = await mkdtemp(join(tmpdir(), 'takeover-bench-console-'));
  try {
    const host = await startHost({ DATA_DIR: dataDir });
    try {
      ctx.log(`console: loading ${String(users)} users into the SQLite read model`);
      loadSqlite(join(dataDir, 'events.db'), users, nowMs);
      const m = await measure(host, users, requests);
      checkCounts('SQLite', m);
      figures.push(...figuresOf('SQLite', m));
      perFilter.SQLite = m.perFilter;
    } finally {
      await host.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }

  // PostgreSQL: the host's own schema.
  const schema = schemaName('console');
  const pgDir = await mkdtemp(join(tmpdir(), 'takeover-bench-console-pg-'));
  try {
    await withSchemas(ctx, [schema], async () => {
      const url = `postgres://${encodeURIComponent(ctx.pg.user)}@${ctx.pg.host}:${String(ctx.pg.port)}/${encodeURIComponent(ctx.pg.database)}`;
      const host = await startHost({ DATA_DIR: pgDir, DATABASE_URL: url, DATABASE_SCHEMA: schema });
      try {
        ctx.log(`console: loading ${String(users)} users into the PostgreSQL read model`);
        await loadPostgres(ctx, schema, users, nowMs);
        const m = await measure(host, users, requests);
        checkCounts('PostgreSQL', m);
        figures.push(...figuresOf('PostgreSQL', m));
        perFilter.PostgreSQL = m.perFilter;
      } finally {
        await host.close();
      }
    });
  } finally {
    await rm(pgDir, { recursive: true, force: true });
  }

  return {
    scenario: 'console',
    parameters: {
      users,
      bindings: want.bound,
      externalChanges: want.external,
      requestsPerFigure: requests,
      filters: FILTERS.join(' | '),
      ...Object.fromEntries(
        Object.entries(perFilter).flatMap(([store, medians]) => Object.entries(medians).map(([f, ms]) => [`p50 ms ${store} ${f}`, ms])),
      ),
      http: 'the example host (Fastify) on 127.0.0.1, one request at a time, bearer ADMIN_API_KEY',
    },
    baselineDescription: `None: an absolute target of ${String(TARGET_MS)} ms per request (issue 14), p50 and p99 of sequential requests through the host's HTTP API, including the read model's catch-up check, the query and JSON. Rows are written straight into the host's persisted user list (as its projection writes them), so the figures are the read path only.`,
    figures,
    versions: versionsOf(['@takeover/read-models', '@takeover/engine', 'better-sqlite3', 'pg', 'fastify']),
    durationMs: Date.now() - began,
  };
};

export const scenario: Scenario = {
  id: 'console',
  title: 'Console: the overview and a filtered page at 100,000 users, over HTTP',
  run,
};
