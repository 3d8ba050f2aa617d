import { EventStoreDBClient } from '@eventstore/db-client';
import { eventStoreDbEventStore } from '@takeover/event-store-eventstoredb';

export const minimal = async (connectionString: string): Promise<number> => {
  const client = EventStoreDBClient.connectionString(connectionString); // e.g. esdb://localhost:2113?tls=false
  const opened = await eventStoreDbEventStore(client)(); // the same shape as every store factory
  if (opened._tag === 'Left') throw new Error(opened.left.message); // StoreUnavailable
  const store = opened.right;

  const appended = await store.appendToStream('user-1', [{ id: 'evt-1', type: 'Registered', data: { email: 'ada@example.com' } }], {
    expectedVersion: 'no-stream',
  })(); // WrongExpectedVersionError comes back as Left(VersionConflict)
  if (appended._tag === 'Left') throw new Error(appended.left._tag);

  const page = await store.readAll({ filter: { streamPrefix: 'user-' } })(); // from $all
  await client.dispose();
  return page._tag === 'Right' ? page.right.events.length : -1;
};
