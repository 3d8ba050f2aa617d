// Long operations (bulk actions, CSV imports) as jobs kept in the host database, next to the
// credentials: a job and its items survive a page reload, a restart, and can be watched from any
// instance. One item is one unit of work (a user id, a CSV line); its result is written once.
// SQLite (host.db) or PostgreSQL (the host schema), chosen like the throttle's backend.
import type { Database } from 'better-sqlite3';
import type { Pool } from 'pg';

/** `cancelled`: an admin stopped it; the items it had not reached are marked not done. */
export type JobState = 'running' | 'done' | 'cancelled';

export interface JobRecord {
  readonly id: string;
  readonly kind: string;
  readonly state: JobState;
  readonly total: number;
  /** Items carried out (worked or failed); with `notDone`, the total once the job has ended. */
  readonly done: number;
  readonly failed: number;
  /** Items a cancel stopped before they ran. */
  readonly notDone: number;
  /** Who started it (the admin's email, or `the API key`). */
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly finishedAt: Date | null;
  /** The job's parameters as its kind's handler reads them (JSON text). */
  readonly spec: string;
}

export interface JobItemResult {
  readonly ok: boolean;
  /** What happened, in words ("bound to Google Workspace (example.com)", "skipped: already bound"). */
  readonly outcome: string;
}

/** A stored result; `ok: null` for an item a cancel stopped before it ran (its outcome says so). */
export interface JobResultRow {
  readonly seq: number;
  readonly item: string;
  readonly ok: boolean | null;
  readonly outcome: string;
}

/** What `cancel` found: the job is cancelled now, was already, has finished, or does not exist. */
export type CancelOutcome = 'cancelled' | 'already-cancelled' | 'done' | 'unknown';

export interface NewJob {
  readonly id: string;
  readonly kind: string;
  readonly createdBy: string;
  readonly spec: string;
  readonly items: ReadonlyArray<string>;
  /** A second `create` with the same key answers the first job instead of a new one (a double click, a retried request). */
  readonly idempotencyKey?: string;
  /** With a key: once the job with that key has been done this long, the key makes a new job (default: never). */
  readonly keyExpiresAfterDoneMs?: number;
}

export interface JobStore {
  /** The job, or the existing one with the same idempotency key (`created: false`). */
  readonly create: (job: NewJob) => Promise<{ readonly id: string; readonly created: boolean }>;
  readonly get: (id: string) => Promise<JobRecord | undefined>;
  /** Results in item order, from `afterSeq` (exclusive), at most `limit`. */
  readonly results: (id: string, afterSeq: number, limit: number) => Promise<ReadonlyArray<JobResultRow>>;
  /** Items without a result yet, in order, at most `limit`. */
  readonly pending: (id: string, limit: number) => Promise<ReadonlyArray<{ readonly seq: number; readonly item: string }>>;
  /**
   * Writes the item's result unless it has one (the first writer wins). A result over an item a
   * cancel marked not done wins too: the item was already running when the cancel came, and its
   * effect happened.
   */
  readonly record: (id: string, seq: number, result: JobItemResult) => Promise<void>;
  /** Takes (or renews) the right to run the job until `until`: true when `holder` holds it now. */
  readonly claim: (id: string, holder: string, until: Date, now: Date) => Promise<boolean>;
  /** Marks the job done (every item has a result), unless it was cancelled. */
  readonly finish: (id: string, at: Date) => Promise<void>;
  /**
   * Cancels a running job in one write: its state becomes `cancelled` and every item without a
   * result gets `notDone` as its outcome (with `ok` null). A finished job is left alone (`done`);
   * a second cancel changes nothing (`already-cancelled`).
   */
  readonly cancel: (id: string, at: Date, notDone: string) => Promise<CancelOutcome>;
  /** Whether the job is still running (a runner asks before each item, so a cancel stops it between items). */
  readonly running: (id: string) => Promise<boolean>;
  /** Jobs still running whose hold lapsed before `now` (their runner stopped). */
  readonly orphaned: (now: Date) => Promise<ReadonlyArray<string>>;
}

export type JobBackend =
  { readonly kind: 'sqlite'; readonly database: Database } | { readonly kind: 'postgres'; readonly pool: Pool; readonly schema: string };

const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, kind TEXT NOT NULL, state TEXT NOT NULL, total INTEGER NOT NULL, created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL, finished_at INTEGER, spec TEXT NOT NULL, idempotency_key TEXT UNIQUE, held_by TEXT, held_until INTEGER);
CREATE TABLE IF NOT EXISTS job_items (job_id TEXT NOT NULL, seq INTEGER NOT NULL, item TEXT NOT NULL, ok INTEGER, outcome TEXT, PRIMARY KEY (job_id, seq));
CREATE INDEX IF NOT EXISTS job_items_pending ON job_items (job_id, seq) WHERE outcome IS NULL;
`;

interface Row {
  readonly id: string;
  readonly kind: string;
  readonly state: string;
  readonly total: number | string;
  readonly created_by: string;
  readonly created_at: number | Date;
  readonly finished_at: number | Date | null;
  readonly spec: string;
  readonly done: number | string;
  readonly failed: number | string;
  readonly not_done: number | string;
}
const toRecord = (r: Row | undefined): JobRecord | undefined =>
  r === undefined
    ? undefined
    : {
        id: r.id,
        kind: r.kind,
        state: r.state === 'done' || r.state === 'cancelled' ? r.state : 'running',
        total: Number(r.total),
        done: Number(r.done),
        failed: Number(r.failed),
        notDone: Number(r.not_done),
        createdBy: r.created_by,
        createdAt: new Date(r.created_at),
        finishedAt: r.finished_at === null ? null : new Date(r.finished_at),
        spec: r.spec,
      };
// An item is pending (outcome null), carried out (ok set), or not done (a cancel wrote its outcome, ok null).
const COUNTS = (items: string) => `(SELECT count(*) FROM ${items} i WHERE i.job_id = j.id AND i.ok IS NOT NULL) AS done,
  (SELECT count(*) FROM ${items} i WHERE i.job_id = j.id AND i.ok = FALSE) AS failed,
  (SELECT count(*) FROM ${items} i WHERE i.job_id = j.id AND i.ok IS NULL AND i.outcome IS NOT NULL) AS not_done`;

const sqliteJobs = (db: Database): JobStore => {
  db.exec(SQLITE_SCHEMA);
  const st = {
    insert: db.prepare(
      "INSERT INTO jobs (id, kind, state, total, created_by, created_at, spec, idempotency_key) VALUES (?, ?, 'running', ?, ?, ?, ?, ?)",
    ),
    insertItem: db.prepare('INSERT INTO job_items (job_id, seq, item) VALUES (?, ?, ?)'),
    byKey: db.prepare<[string], { id: string }>('SELECT id FROM jobs WHERE idempotency_key = ?'),
    expireKey: db.prepare("UPDATE jobs SET idempotency_key = NULL WHERE idempotency_key = ? AND state <> 'running' AND finished_at < ?"),
    get: db.prepare<[string], Row>(`SELECT j.*, ${COUNTS('job_items')} FROM jobs j WHERE j.id = ?`),
    results: db.prepare<[string, number, number], { seq: number; item: string; ok: number | null; outcome: string }>(
      'SELECT seq, item, ok, outcome FROM job_items WHERE job_id = ? AND seq > ? AND outcome IS NOT NULL ORDER BY seq LIMIT ?',
    ),
    pending: db.prepare<[string, number], { seq: number; item: string }>(
      'SELECT seq, item FROM job_items WHERE job_id = ? AND outcome IS NULL ORDER BY seq LIMIT ?',
    ),
    record: db.prepare('UPDATE job_items SET ok = ?, outcome = ? WHERE job_id = ? AND seq = ? AND ok IS NULL'),
    claim: db.prepare(
      "UPDATE jobs SET held_by = ?, held_until = ? WHERE id = ? AND state = 'running' AND (held_by = ? OR held_until IS NULL OR held_until <= ?)",
    ),
    finish: db.prepare(
      `UPDATE jobs SET state = 'done', finished_at = ?, held_by = NULL, held_until = NULL WHERE id = ? AND state = 'running'`,
    ),
    state: db.prepare<[string], { state: string }>('SELECT state FROM jobs WHERE id = ?'),
    cancel: db.prepare(
      "UPDATE jobs SET state = 'cancelled', finished_at = ?, held_by = NULL, held_until = NULL WHERE id = ? AND state = 'running'",
    ),
    notDone: db.prepare('UPDATE job_items SET outcome = ? WHERE job_id = ? AND outcome IS NULL'),
    orphaned: db.prepare<[number], { id: string }>(
      "SELECT id FROM jobs WHERE state = 'running' AND (held_until IS NULL OR held_until <= ?)",
    ),
  };
  const create = db.transaction((job: NewJob): { id: string; created: boolean } => {
    if (job.idempotencyKey !== undefined) {
      if (job.keyExpiresAfterDoneMs !== undefined) st.expireKey.run(job.idempotencyKey, Date.now() - job.keyExpiresAfterDoneMs);
      const existing = st.byKey.get(job.idempotencyKey);
      if (existing !== undefined) return { id: existing.id, created: false };
    }
    st.insert.run(job.id, job.kind, job.items.length, job.createdBy, Date.now(), job.spec, job.idempotencyKey ?? null);
    job.items.forEach((item, i) => st.insertItem.run(job.id, i + 1, item));
    return { id: job.id, created: true };
  });
  const cancel = db.transaction((id: string, at: number, notDone: string): CancelOutcome => {
    const found = st.state.get(id);
    if (found === undefined) return 'unknown';
    if (found.state === 'done') return 'done';
    if (found.state === 'cancelled') return 'already-cancelled';
    st.cancel.run(at, id);
    st.notDone.run(notDone, id);
    return 'cancelled';
  });
  const run = <T>(f: () => T): Promise<T> => {
    try {
      return Promise.resolve(f());
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  };
  return {
    create: (job) => run(() => create(job)),
    get: (id) => run(() => toRecord(st.get.get(id))),
    results: (id, afterSeq, limit) =>
      run(() =>
        st.results
          .all(id, afterSeq, limit)
          .map((r) => ({ seq: r.seq, item: r.item, ok: r.ok === null ? null : r.ok === 1, outcome: r.outcome })),
      ),
    pending: (id, limit) => run(() => st.pending.all(id, limit)),
    record: (id, seq, result) =>
      run(() => {
        st.record.run(result.ok ? 1 : 0, result.outcome, id, seq);
      }),
    claim: (id, holder, until, now) => run(() => st.claim.run(holder, until.getTime(), id, holder, now.getTime()).changes === 1),
    finish: (id, at) =>
      run(() => {
        st.finish.run(at.getTime(), id);
      }),
    orphaned: (now) => run(() => st.orphaned.all(now.getTime()).map((r) => r.id)),
    cancel: (id, at, notDone) => run(() => cancel(id, at.getTime(), notDone)),
    running: (id) => run(() => st.state.get(id)?.state === 'running'),
  };
};

const postgresJobs = async (pool: Pool, schema: string): Promise<JobStore> => {
  const q = `"${schema}"`;
  await pool.query(`
    CREATE TABLE IF NOT EXISTS ${q}.host_jobs (id TEXT PRIMARY KEY, kind TEXT NOT NULL, state TEXT NOT NULL, total INTEGER NOT NULL, created_by TEXT NOT NULL,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(), finished_at TIMESTAMPTZ, spec TEXT NOT NULL, idempotency_key TEXT UNIQUE, held_by TEXT, held_until TIMESTAMPTZ);
    CREATE TABLE IF NOT EXISTS ${q}.host_job_items (job_id TEXT NOT NULL, seq INTEGER NOT NULL, item TEXT NOT NULL, ok BOOLEAN, outcome TEXT, PRIMARY KEY (job_id, seq));
    CREATE INDEX IF NOT EXISTS host_job_items_pending ON ${q}.host_job_items (job_id, seq) WHERE outcome IS NULL;`);
  return {
    create: async function create(job, attempt = 1): Promise<{ readonly id: string; readonly created: boolean }> {
      const client = await pool.connect();
      let released = false;
      try {
        await client.query('BEGIN');
        if (job.idempotencyKey !== undefined && job.keyExpiresAfterDoneMs !== undefined) {
          await client.query(
            `UPDATE ${q}.host_jobs SET idempotency_key = NULL WHERE idempotency_key = $1 AND state <> 'running' AND finished_at < now() - make_interval(secs => $2)`,
            [job.idempotencyKey, job.keyExpiresAfterDoneMs / 1000],
          );
        }
        const inserted = await client.query(
          `INSERT INTO ${q}.host_jobs (id, kind, state, total, created_by, spec, idempotency_key) VALUES ($1, $2, 'running', $3, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING`,
          [job.id, job.kind, job.items.length, job.createdBy, job.spec, job.idempotencyKey ?? null],
        );
        if (inserted.rowCount !== 1) {
          await client.query('ROLLBACK');
          const existing = await pool.query<{ id: string }>(`SELECT id FROM ${q}.host_jobs WHERE idempotency_key = $1`, [
            job.idempotencyKey,
          ]);
          const id = existing.rows[0]?.id;
          // The key expired (its job done long enough) in between: this is a new job.
          if (id === undefined) {
            if (attempt >= 3) throw new Error('a job with this idempotency key vanished while it was looked up');
            client.release();
            released = true;
            return create(job, attempt + 1);
          }
          return { id, created: false };
        }
        await client.query(
          `INSERT INTO ${q}.host_job_items (job_id, seq, item) SELECT $1, s, i FROM unnest($2::text[]) WITH ORDINALITY AS t(i, s)`,
          [job.id, [...job.items]],
        );
        await client.query('COMMIT');
        return { id: job.id, created: true };
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        if (!released) client.release();
      }
    },
    get: async (id) =>
      toRecord((await pool.query<Row>(`SELECT j.*, ${COUNTS(`${q}.host_job_items`)} FROM ${q}.host_jobs j WHERE j.id = $1`, [id])).rows[0]),
    results: async (id, afterSeq, limit) =>
      (
        await pool.query<{ seq: number; item: string; ok: boolean | null; outcome: string }>(
          `SELECT seq, item, ok, outcome FROM ${q}.host_job_items WHERE job_id = $1 AND seq > $2 AND outcome IS NOT NULL ORDER BY seq LIMIT $3`,
          [id, afterSeq, limit],
        )
      ).rows,
    pending: async (id, limit) =>
      (
        await pool.query<{ seq: number; item: string }>(
          `SELECT seq, item FROM ${q}.host_job_items WHERE job_id = $1 AND outcome IS NULL ORDER BY seq LIMIT $2`,
          [id, limit],
        )
      ).rows,
    record: async (id, seq, result) => {
      await pool.query(`UPDATE ${q}.host_job_items SET ok = $1, outcome = $2 WHERE job_id = $3 AND seq = $4 AND ok IS NULL`, [
        result.ok,
        result.outcome,
        id,
        seq,
      ]);
    },
    claim: async (id, holder, until, now) =>
      (
        await pool.query(
          `UPDATE ${q}.host_jobs SET held_by = $1, held_until = $2 WHERE id = $3 AND state = 'running' AND (held_by = $1 OR held_until IS NULL OR held_until <= $4)`,
          [holder, until, id, now],
        )
      ).rowCount === 1,
    finish: async (id, at) => {
      await pool.query(
        `UPDATE ${q}.host_jobs SET state = 'done', finished_at = $1, held_by = NULL, held_until = NULL WHERE id = $2 AND state = 'running'`,
        [at, id],
      );
    },
    cancel: async (id, at, notDone) => {
      // One statement: the job's state and its pending items change together, or not at all.
      const r = await pool.query<{ before: string | null; cancelled: boolean }>(
        `WITH before AS (SELECT state FROM ${q}.host_jobs WHERE id = $1),
              cancelled AS (UPDATE ${q}.host_jobs SET state = 'cancelled', finished_at = $2, held_by = NULL, held_until = NULL
                            WHERE id = $1 AND state = 'running' RETURNING id),
              marked AS (UPDATE ${q}.host_job_items SET outcome = $3 WHERE job_id IN (SELECT id FROM cancelled) AND outcome IS NULL)
         SELECT (SELECT state FROM before) AS before, EXISTS (SELECT 1 FROM cancelled) AS cancelled`,
        [id, at, notDone],
      );
      const row = r.rows[0];
      if (row === undefined || row.before === null) return 'unknown';
      if (row.cancelled) return 'cancelled';
      // Not running any more: read its state after the write that beat this one (a parallel cancel, the runner's finish).
      const now = (await pool.query<{ state: string }>(`SELECT state FROM ${q}.host_jobs WHERE id = $1`, [id])).rows[0]?.state;
      return now === 'done' ? 'done' : now === 'cancelled' ? 'already-cancelled' : 'unknown';
    },
    running: async (id) =>
      (await pool.query<{ state: string }>(`SELECT state FROM ${q}.host_jobs WHERE id = $1`, [id])).rows[0]?.state === 'running',
    orphaned: async (now) =>
      (
        await pool.query<{ id: string }>(
          `SELECT id FROM ${q}.host_jobs WHERE state = 'running' AND (held_until IS NULL OR held_until <= $1)`,
          [now],
        )
      ).rows.map((r) => r.id),
  };
};

/** The job tables in the host database (created if missing). */
export const openJobStore = (backend: JobBackend): Promise<JobStore> =>
  backend.kind === 'sqlite' ? Promise.resolve(sqliteJobs(backend.database)) : postgresJobs(backend.pool, backend.schema);
