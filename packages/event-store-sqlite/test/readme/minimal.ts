import { openSqliteEventStore } from '@takeover/event-store-sqlite';

export const minimal = async (path: string): Promise<number> => {
  const opened = await openSqliteEventStore({ path })(); // creates and migrates the file; WAL, synchronous=FULL
  if (opened._tag === 'Left') throw new Error(opened.left.message); // StoreUnavailable
  const store = opened.right;

  const appended = await store.appendToStream('user-1', [{ id: 'evt-1', type: 'Registered', data: { email: 'ada@example.com' } }], {
    expectedVersion: 'no-stream',
  })();
  if (appended._tag === 'Left') throw new Error(appended.left._tag);

  const page = await store.readAll({ maxCount: 100 })(); // the global order, from the start
  await store.close();
  return page._tag === 'Right' ? page.right.events.length : -1;
};
