import * as TE from 'fp-ts/lib/TaskEither.js';
import * as t from 'io-ts';
import { inMemoryCheckpointStore, inMemoryEventStore, subscribe } from '@takeover/event-store';

// Your events' codec: the store hands it `{ type, data, metadata }`.
const Registered = t.type({ type: t.literal('Registered'), data: t.type({ email: t.string }), metadata: t.unknown });

export const minimal = async (): Promise<ReadonlyArray<string>> => {
  const store = inMemoryEventStore();
  const event = { id: 'evt-1', type: 'Registered', data: { email: 'ada@example.com' } };

  const first = await store.appendToStream('user-1', [event], { expectedVersion: 'no-stream' })();
  // Right { nextExpectedVersion: 0, position: '1' }
  const retried = await store.appendToStream('user-1', [event], { expectedVersion: 'no-stream' })();
  // Right, the same result: an append retried after a lost acknowledgement writes nothing twice
  const stale = await store.appendToStream('user-1', [{ ...event, id: 'evt-2' }], { expectedVersion: 'no-stream' })();
  // Left { _tag: 'VersionConflict', streamId: 'user-1', expected: 'no-stream', actual: 0 }
  if (first._tag === 'Left' || retried._tag === 'Left' || stale._tag === 'Right') throw new Error('unexpected');

  const history = await store.readStream('user-1', { decoder: Registered })();
  // Right [{ id: 'evt-1', streamId: 'user-1', revision: 0, position, recordedAt, event: { type, data, metadata } }]
  if (history._tag === 'Left') throw new Error(history.left._tag);

  // A projection: the global order from its stored checkpoint, batch by batch, at least once.
  const emails: string[] = [];
  const projection = subscribe(store, {
    subscriptionId: 'emails',
    checkpoints: inMemoryCheckpointStore(),
    decoder: Registered,
    pollIntervalMs: 10,
    handle: (events) =>
      TE.fromIO(() => {
        emails.push(...events.map((e) => e.event.data.email));
      }),
  });
  while (emails.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  await projection.stop();
  return emails;
};
