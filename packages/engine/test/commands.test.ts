import * as TE from 'fp-ts/lib/TaskEither.js';
import { Secret, commandId, isoTime, userId } from '@takeover/core';
import type { EventStore } from '@takeover/event-store';
import { inMemoryEventStore } from '@takeover/event-store';
import { handleUserCommand } from '@takeover/engine';

const create = (id: string) => ({
  type: 'CreateUser' as const,
  commandId: commandId(id),
  userId: userId('ada'),
  at: isoTime('2026-11-28T09:00:00Z'),
  state: 'active' as const,
  attributes: { email: 'ada@example.com', givenName: 'Ada', familyName: 'Lovelace' },
  by: { role: 'admin' as const },
});

/** A store whose first `n` appends meet a concurrent writer. */
const conflicting = (inner: EventStore, n: number): EventStore => {
  let left = n;
  return {
    ...inner,
    appendToStream: (streamId, events, options) =>
      left-- > 0
        ? TE.left({ _tag: 'VersionConflict' as const, streamId, expected: options?.expectedVersion ?? 'any', actual: 0 })
        : inner.appendToStream(streamId, events, options),
  };
};

test('a version conflict is met by re-reading and deciding again, a bounded number of times', async () => {
  const ok = await handleUserCommand({ store: conflicting(inMemoryEventStore(), 2), context: {} }, create('c1'))();
  expect(ok._tag === 'Right' && ok.right.events.map((e) => e.type)).toEqual(['UserCreated']);
  const gaveUp = await handleUserCommand({ store: conflicting(inMemoryEventStore(), 10), context: {}, maxAttempts: 3 }, create('c1'))();
  expect(gaveUp).toMatchObject({ _tag: 'Left', left: { _tag: 'TooManyConflicts', streamId: 'user-ada', attempts: 3 } });
});

test('a retried command appends nothing twice (event ids derive from the command id), and a refused one is a Rejected value', async () => {
  const store = inMemoryEventStore();
  await handleUserCommand({ store, context: {} }, create('c1'))();
  const again = await handleUserCommand({ store, context: {} }, create('c1'))();
  expect(again._tag === 'Right' && again.right.events).toEqual([]);
  const rows = await store.readStream('user-ada')();
  expect(rows._tag === 'Right' && rows.right.length).toBe(1);
  const refused = await handleUserCommand(
    { store, context: {} },
    { type: 'LogIn', commandId: commandId('c3'), userId: userId('bob'), at: isoTime('2026-11-28T09:00:00Z'), password: Secret.of('x') },
  )();
  expect(refused).toMatchObject({ _tag: 'Left', left: { _tag: 'Rejected', error: { _tag: 'UserNotFound' } } });
});
