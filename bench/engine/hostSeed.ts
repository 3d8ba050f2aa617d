// A store of many users for the host benchmarks (memory, restart): one real user's history recorded
// once through the engine (bench/engine/history.ts: created active, bound to two directories, logged
// in, both pushes succeeded; 13 events), copied for every user with the user id renamed and the
// second directory renamed to the host's (`m365` → `microsoft`), and written in bulk (one
// transaction per 1,000 users) straight into the store's tables in the same shape its appends write.
// The host's own directories are connected by a first start of the host before the users are
// written; the read models then catch up in a second start (what a fresh deployment does once).
import { writeFileSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import type pg from 'pg';
import { userId } from '@takeover/core';
import { openSqliteEventStore } from '@takeover/event-store-sqlite';
import { recordHistory } from './history.js';

const TOKEN = 'u0000000';
export const USERS_PER_TRANSACTION = 1_000;

/** One stored event of the template: the user's stream and its revision are per copy. */
interface TemplateEvent {
  readonly id: string;
  readonly revision: number;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
}

export interface UserTemplate {
  readonly eventsPerUser: number;
  /** The user's events for user number `i` (id `u<i, 7 digits>`), stream `user-<id>`. */
  readonly eventsOf: (i: number) => { readonly streamId: string; readonly events: ReadonlyArray<TemplateEvent> };
}

export const userName = (i: number): string => `u${String(i).padStart(7, '0')}`;

/** Records the history once and returns the copier. */
export const userTemplate = async (): Promise<UserTemplate> => {
  const history = await recordHistory(userId(TOKEN), 0);
  const events: TemplateEvent[] = history.userEvents.map((e) => ({
    id: e.id,
    revision: e.revision,
    type: e.event.type,
    data: e.event.data,
    metadata: e.event.metadata ?? {},
  }));
  const text = JSON.stringify(events).replaceAll('m365', 'microsoft');
  if (!text.includes(TOKEN)) throw new Error('hostSeed: the recorded history does not carry the user id');
  return {
    eventsPerUser: events.length,
    eventsOf: (i) => {
      const name = userName(i);
      return { streamId: `user-${name}`, events: JSON.parse(text.replaceAll(TOKEN, name)) as TemplateEvent[] };
    },
  };
};

/** Writes users [from, to) into the SQLite event store at `path` (its tables created by a first host start). */
export const seedSqlite = async (path: string, template: UserTemplate, from: number, to: number): Promise<void> => {
  const opened = await openSqliteEventStore({ path })();
  if (E.isLeft(opened)) throw new Error(`hostSeed: cannot open ${path}: ${opened.left.message}`);
  const db = opened.right.database;
  try {
    const insert = db.prepare(
      'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const batch = db.transaction((start: number, end: number) => {
      const now = Date.now();
      for (let i = start; i < end; i++) {
        const u = template.eventsOf(i);
        for (const e of u.events) insert.run(u.streamId, e.revision, e.id, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), now);
      }
    });
    for (let i = from; i < to; i += USERS_PER_TRANSACTION) batch.immediate(i, Math.min(to, i + USERS_PER_TRANSACTION));
  } finally {
    await opened.right.close();
  }
};

/** Writes users [from, to) into `<schema>.events` and `<schema>.streams` (the store's tables, created by a first host start). */
export const seedPostgres = async (pool: pg.Pool, schema: string, template: UserTemplate, from: number, to: number): Promise<void> => {
  const q = `"${schema}"`;
  for (let i = from; i < to; i += USERS_PER_TRANSACTION) {
    const streams: string[] = [];
    const versions: number[] = [];
    const cols = {
      stream: [] as string[],
      revision: [] as number[],
      id: [] as string[],
      type: [] as string[],
      data: [] as string[],
      meta: [] as string[],
    };
    for (let j = i; j < Math.min(to, i + USERS_PER_TRANSACTION); j++) {
      const u = template.eventsOf(j);
      streams.push(u.streamId);
      versions.push(u.events.length - 1);
      for (const e of u.events) {
        cols.stream.push(u.streamId);
        cols.revision.push(e.revision);
        cols.id.push(e.id);
        cols.type.push(e.type);
        cols.data.push(JSON.stringify(e.data));
        cols.meta.push(JSON.stringify(e.metadata));
      }
    }
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`INSERT INTO ${q}.streams (stream_id, version) SELECT * FROM unnest($1::text[], $2::bigint[])`, [
        streams,
        versions,
      ]);
      await client.query(
        `INSERT INTO ${q}.events (stream_id, revision, event_id, type, data, metadata)
         SELECT s, r, i, t, d, m FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::json[], $6::json[]) WITH ORDINALITY AS u(s, r, i, t, d, m, o) ORDER BY o`,
        [cols.stream, cols.revision, cols.id, cols.type, cols.data, cols.meta],
      );
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }
  await pool.query(`VACUUM ANALYZE ${q}.events, ${q}.streams`);
};

/** The environment of a host on `dataDir` (SQLite there), or on PostgreSQL with `database`. Quiet logs, no sweep timer surprises. */
export const hostEnv = (
  dataDir: string,
  port: number,
  database?: { readonly url: string; readonly schema: string },
): Record<string, string> => ({
  DATA_DIR: dataDir,
  PORT: String(port),
  HOST: '127.0.0.1',
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  LOG_LEVEL: 'warn',
  INSTANCE_ID: `bench-${port}`,
  ...(database === undefined ? {} : { DATABASE_URL: database.url, DATABASE_SCHEMA: database.schema }),
});

/** For a child's report: one JSON line. */
export const report = (value: unknown, file?: string): void => {
  const line = `${JSON.stringify(value)}\n`;
  if (file === undefined) process.stdout.write(line);
  else writeFileSync(file, line);
};
