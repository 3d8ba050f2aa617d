// Our PostgreSQL store driven the way the scenarios compare it: one event per append with the exact
// expected version, over 4 streams per writer.
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { createPostgresEventStore, type PostgresEventStore } from '@takeover/event-store-postgres';
import type pg from 'pg';

export const openOurs = async (pool: pg.Pool, schema: string): Promise<PostgresEventStore> => {
  const created = await createPostgresEventStore({ pool, schema })();
  if (E.isLeft(created)) throw new Error(`cannot open our PostgreSQL store in schema ${schema}: ${created.left.message}`);
  return created.right;
};

/** Up to `count` appends of one event over 4 streams `tag-k`, stopping at `until` (performance.now()
 *  ms) if given; resolves to the number appended. With `onAppended`, event ids are `tag-i`. */
export const oursWriter =
  (store: PostgresEventStore, tag: string, count: number, onAppended?: (id: string) => void, until?: number) =>
  async (): Promise<number> => {
    const versions = new Map<string, number>();
    let i = 0;
    for (; i < count && (until === undefined || performance.now() < until); i++) {
      const s = `${tag}-${i % 4}`;
      const id = onAppended === undefined ? randomUUID() : `${tag}-${i}`;
      const r = await store.appendToStream(s, [{ id, type: 'Bench', data: { i, writer: tag } }], {
        expectedVersion: versions.get(s) ?? 'no-stream',
      })();
      if (E.isLeft(r)) throw new Error(`our append to ${s} failed: ${JSON.stringify(r.left)}`);
      versions.set(s, r.right.nextExpectedVersion);
      onAppended?.(id);
    }
    return i;
  };
