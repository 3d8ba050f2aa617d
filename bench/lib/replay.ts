// Reading the whole global order of our PostgreSQL store: through the store (`readAll` pages) and raw
// (keyset paging of the same index, same columns, no snapshot guard, no mapping), each feeding the
// same trivial projection, so the difference is what the store adds.
import * as E from 'fp-ts/lib/Either.js';
import { Checkpoint } from '@takeover/event-store';
import type { PostgresEventStore } from '@takeover/event-store-postgres';
import type pg from 'pg';
import type { Emmett } from './emmett.js';

/** A trivial projection: events per type and the last revision per stream. */
export class TrivialProjection {
  readonly byType = new Map<string, number>();
  readonly lastRevision = new Map<string, number>();
  count = 0;
  apply(streamId: string, revision: number, type: string): void {
    this.byType.set(type, (this.byType.get(type) ?? 0) + 1);
    this.lastRevision.set(streamId, revision);
    this.count++;
  }
}

/** `readAll` from the start in pages of `page` until an empty page; returns the events read. */
export const replayOurs = async (store: PostgresEventStore, page: number, projection: TrivialProjection): Promise<number> => {
  let after = Checkpoint.start;
  for (;;) {
    const r = await store.readAll({ after, maxCount: page })();
    if (E.isLeft(r)) throw new Error(`readAll failed: ${JSON.stringify(r.left)}`);
    if (r.right.events.length === 0) return projection.count;
    for (const e of r.right.events) projection.apply(e.streamId, e.revision, e.event.type);
    after = r.right.checkpoint;
  }
};

/** Raw keyset paging over `(tx, global_position)` on the same table, the same columns. */
export const replayRaw = async (pool: pg.Pool, schema: string, page: number, projection: TrivialProjection): Promise<number> => {
  let tx = '0';
  let gp = '0';
  for (;;) {
    const { rows } = await pool.query<{ gp: string; tx: string; stream_id: string; revision: string; type: string }>({
      name: `raw_page_${page}`,
      text: `SELECT e.global_position::text AS gp, e.tx::text AS tx, e.stream_id, e.revision::text AS revision, e.event_id, e.type, e.data, e.metadata, e.recorded_at
        FROM "${schema}".events e WHERE (e.tx, e.global_position) > ($1::xid8, $2::int8) ORDER BY e.tx, e.global_position LIMIT ${page}`,
      values: [tx, gp],
    });
    const last = rows.at(-1);
    if (last === undefined) return projection.count;
    for (const row of rows) projection.apply(row.stream_id, Number(row.revision), row.type);
    ({ tx, gp } = last);
  }
};

/** emmett-postgresql's batch reader from the start, pages of `page`, as its consumer pulls them. */
export const replayEmmett = async (emmett: Emmett, page: number, projection: TrivialProjection): Promise<number> => {
  let after = 0n;
  for (;;) {
    const r = await emmett.readBatch(after, page);
    if (r.messages.length === 0) return projection.count;
    for (const m of r.messages) projection.apply(m.streamName, Number(m.streamPosition), m.type);
    after = r.next;
  }
};
