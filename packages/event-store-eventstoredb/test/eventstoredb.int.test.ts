import { randomUUID } from 'node:crypto';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { eventStoreContract } from '@takeover/event-store/testing';
import { eventStoreDbEventStore } from '@takeover/event-store-eventstoredb';

const url = process.env.EVENTSTORE_URL;
let client: EventStoreDBClient | undefined;

eventStoreContract('EventStoreDB', {
  ...(url === undefined ? { skip: 'set EVENTSTORE_URL (e.g. esdb://localhost:2113?tls=false) to run it against a server' } : {}),
  eventIdsUniquePerStreamOnly: true,
  setup: async () => {
    client = EventStoreDBClient.connectionString(url ?? '');
    const opened = await eventStoreDbEventStore(client)();
    if (opened._tag === 'Left') throw new Error(opened.left.message);
    const store = opened.right;
    return {
      store,
      checkpoints: store.checkpoints,
      plantCorruptEvent: async (streamId) => {
        await client?.appendToStream(streamId, jsonEvent({ id: randomUUID(), type: 'Counted', data: { n: 'not a number' } }));
      },
    };
  },
  teardown: async () => {
    await client?.dispose();
  },
});
