// PostgreSQL helpers for the scenarios: a pool per use, a fresh schema per scenario (dropped at the
// end, also on failure), and the two raw version-guarded appends the append scenarios compare with:
// a client-side transaction (four round trips) and one call to a server-side function (one round
// trip, as our store's `append_events` is).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { BenchContext } from './scenario.js';

export interface PgSettings {
  readonly host: string;
  readonly user: string;
  readonly database: string;
  readonly port: number;
}

/** A pool; with `searchPath`, every connection works in that schema (for stores that take no schema option). */
export const poolOf = (settings: PgSettings, max: number, searchPath?: string): pg.Pool =>
  new pg.Pool({
    host: settings.host,
    user: settings.user,
    database: settings.database,
    port: settings.port,
    max,
    ...(searchPath === undefined ? {} : { options: `-c search_path=${searchPath}` }),
  });

/** The same settings as a connection string (what emmett takes), optionally with a search path. */
export const connectionString = (settings: PgSettings, searchPath?: string): string => {
  const base = `postgresql://${encodeURIComponent(settings.user)}@${settings.host}:${settings.port}/${encodeURIComponent(settings.database)}`;
  return searchPath === undefined ? base : `${base}?options=${encodeURIComponent(`-c search_path=${searchPath}`)}`;
};

/** `bench_<what>_<random>`: unique per run, so concurrent runs and leftovers never collide. */
export const schemaName = (what: string): string =>
  `bench_${what.replaceAll(/[^a-z0-9]/g, '_')}_${randomUUID().replaceAll('-', '').slice(0, 10)}`;

/**
 * Runs `body` with freshly created schemas and drops them afterwards, whether `body` succeeded or
 * threw (a failed drop is logged, and does not hide the body's own error).
 */
export const withSchemas = async <T>(ctx: BenchContext, names: ReadonlyArray<string>, body: (admin: pg.Pool) => Promise<T>): Promise<T> => {
  const admin = poolOf(ctx.pg, 2);
  try {
    for (const n of names) await admin.query(`CREATE SCHEMA "${n}"`);
    return await body(admin);
  } finally {
    for (const n of names) {
      try {
        await admin.query(`DROP SCHEMA IF EXISTS "${n}" CASCADE`);
      } catch (e) {
        ctx.log(`could not drop schema ${n}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    await admin.end();
  }
};

/**
 * The client-transaction baseline writer on our store's tables (`<schema>.streams`, `<schema>.events`): per append
 * BEGIN; a version-guarded UPDATE (an INSERT for a new stream); INSERT the event; COMMIT, with
 * prepared statements on a pooled client. Up to `count` appends of one event over 4 streams named
 * `tag-k`, stopping at `until` (performance.now() ms) if given; resolves to the number appended.
 */
export const rawGuardedWriter =
  (pool: pg.Pool, schema: string, tag: string, count: number, until?: number) => async (): Promise<number> => {
    const q = `"${schema}"`;
    const versions = new Map<string, number>();
    let i = 0;
    for (; i < count && (until === undefined || performance.now() < until); i++) {
      const s = `${tag}-${i % 4}`;
      const v = versions.get(s);
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const guard =
          v === undefined
            ? await client.query({ name: 'raw_new', text: `INSERT INTO ${q}.streams (stream_id, version) VALUES ($1, 0)`, values: [s] })
            : await client.query({
                name: 'raw_guard',
                text: `UPDATE ${q}.streams SET version = version + 1 WHERE stream_id = $1 AND version = $2`,
                values: [s, v],
              });
        if (guard.rowCount !== 1) throw new Error(`raw baseline: version guard failed on ${s} at ${String(v)}`);
        const next = v === undefined ? 0 : v + 1;
        await client.query({
          name: 'raw_insert',
          text: `INSERT INTO ${q}.events (stream_id, revision, event_id, type, data, metadata) VALUES ($1, $2, $3, 'Bench', $4, '{}')`,
          values: [s, next, randomUUID(), JSON.stringify({ i, writer: tag })],
        });
        await client.query('COMMIT');
        versions.set(s, next);
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    }
    return i;
  };

/** The client-side transaction's name where it appears next to the server-function baseline (among a figure's peers). */
export const CLIENT_TX = 'client tx (4 round trips)';

/**
 * Creates `<schema>.raw_append(stream, expected, event_id, data)`: the same version guard and insert
 * as the client transaction above, as one PL/pgSQL function, so one call (one round trip, autocommit)
 * appends one event. No idempotency probe, no batch, no result row beyond the new version: the least a
 * server-side function must do, the fairer floor for our `append_events`. `expected` is -1 for a new
 * stream; a failed guard raises.
 */
export const createRawAppendFunction = async (pool: pg.Pool, schema: string): Promise<void> => {
  const q = `"${schema}"`;
  await pool.query(`
    CREATE FUNCTION ${q}.raw_append(p_stream text, p_expected bigint, p_id text, p_data json) RETURNS bigint
    LANGUAGE plpgsql AS $fn$
    DECLARE v_version bigint;
    BEGIN
      IF p_expected = -1 THEN
        INSERT INTO ${q}.streams (stream_id, version) VALUES (p_stream, 0) RETURNING version INTO v_version;
      ELSE
        UPDATE ${q}.streams SET version = version + 1 WHERE stream_id = p_stream AND version = p_expected
          RETURNING version INTO v_version;
      END IF;
      IF v_version IS NULL THEN RAISE EXCEPTION 'raw_append: version guard failed on % at %', p_stream, p_expected; END IF;
      INSERT INTO ${q}.events (stream_id, revision, event_id, type, data, metadata) VALUES (p_stream, v_version, p_id, 'Bench', p_data, '{}');
      RETURN v_version;
    END
    $fn$`);
};

/** One call of `raw_append` (created by `createRawAppendFunction`) as a prepared statement on the pool: one round trip. Resolves to the new version. */
export const rawFunctionAppend = async (
  pool: pg.Pool,
  schema: string,
  stream: string,
  expected: number,
  data: unknown,
): Promise<number> => {
  const r = await pool.query<{ v: string }>({
    name: `raw_fn_${schema}`,
    text: `SELECT "${schema}".raw_append($1, $2, $3, $4)::text AS v`,
    values: [stream, expected, randomUUID(), JSON.stringify(data)],
  });
  const v = r.rows[0]?.v;
  if (v === undefined) throw new Error(`raw_append returned no row for ${stream}`);
  return Number(v);
};

/**
 * The server-function baseline writer: like `rawGuardedWriter`, but each append is one call of
 * `raw_append` (see `createRawAppendFunction`).
 */
export const rawFunctionWriter =
  (pool: pg.Pool, schema: string, tag: string, count: number, until?: number) => async (): Promise<number> => {
    const versions = new Map<string, number>();
    let i = 0;
    for (; i < count && (until === undefined || performance.now() < until); i++) {
      const s = `${tag}-${i % 4}`;
      versions.set(s, await rawFunctionAppend(pool, schema, s, versions.get(s) ?? -1, { i, writer: tag }));
    }
    return i;
  };

/**
 * Fills `<schema>.events` of our store with `count` events by SQL (`generate_series`), in
 * transactions of `perTransaction` rows, over `streams` streams; each event's data is a small JSON
 * object like a real one (~150 bytes). Much faster than appending one by one, and the rows are the
 * same shape the store writes (the `streams` table is not needed for reading the global order).
 * The table's constraints and index are dropped while filling and rebuilt after, under their own
 * names (a bulk build is several times faster than row-by-row index upkeep).
 */
export const fillEvents = async (pool: pg.Pool, schema: string, count: number, streams: number, perTransaction = 20_000): Promise<void> => {
  const q = `"${schema}"`;
  await pool.query(
    `ALTER TABLE ${q}.events DROP CONSTRAINT events_pkey, DROP CONSTRAINT events_event_id_key; DROP INDEX ${q}.events_global_order`,
  );
  for (let from = 0; from < count; from += perTransaction) {
    const to = Math.min(count, from + perTransaction) - 1;
    await pool.query(`
      INSERT INTO ${q}.events (stream_id, revision, event_id, type, data, metadata)
      SELECT 'user-' || (g % ${streams}), g / ${streams}, 'fill-' || g,
             (ARRAY['PortalLogin','PasswordPushed','AttributesChanged'])[1 + g % 3],
             json_build_object('userId', 'user-' || (g % ${streams}), 'directoryId', 'google', 'at', '2026-11-29T06:00:00.000Z', 'recordVersion', g / ${streams}, 'n', g),
             json_build_object('commandId', 'c-' || g)
      FROM generate_series(${from}, ${to}) AS g`);
  }
  await pool.query(
    `ALTER TABLE ${q}.events ADD CONSTRAINT events_pkey PRIMARY KEY (stream_id, revision), ADD CONSTRAINT events_event_id_key UNIQUE (event_id)`,
  );
  await pool.query(`CREATE INDEX events_global_order ON ${q}.events (tx, global_position)`);
  await pool.query(`VACUUM ANALYZE ${q}.events`);
};
