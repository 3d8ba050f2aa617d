import type pg from 'pg';
import { Checkpoint } from '@takeover/event-store';
import { createPostgresEventStore } from '@takeover/event-store-postgres';

export const minimal = async (pool: pg.Pool, schema: string): Promise<number> => {
  // The host builds the pool; the adapter creates and migrates its schema (safe from many processes).
  const created = await createPostgresEventStore({ pool, schema })();
  if (created._tag === 'Left') throw new Error(created.left.message); // StoreUnavailable
  const store = created.right;

  const appended = await store.appendToStream('user-1', [{ id: 'evt-1', type: 'Registered', data: { email: 'ada@example.com' } }], {
    expectedVersion: 'no-stream',
  })(); // one round trip: version guard + insert in one statement
  if (appended._tag === 'Left') throw new Error(appended.left._tag);

  const page = await store.readAll({ after: Checkpoint.start })(); // never skips a late commit
  await store.close(); // leaves the host's pool open
  return page._tag === 'Right' ? page.right.events.length : -1;
};
