import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import {
  inMemoryCheckpointStore,
  inMemoryEventStore,
  storeUnavailable,
  subscribe,
  type EventStore,
  type StoreUnavailable,
} from '@takeover/event-store';
import { counted, orFail, waitUntil } from '@takeover/event-store/testing';

describe('subscribe', () => {
  it('retries a store that is unavailable for a while, telling onRetry, and delivers everything once', async () => {
    const inner = inMemoryEventStore();
    for (let i = 0; i < 3; i++) await orFail(inner.appendToStream('s', [counted(i)]));
    let failures = 2;
    const flaky: EventStore = {
      ...inner,
      readAll: (o) => (failures-- > 0 ? TE.left(storeUnavailable('connection refused')) : inner.readAll(o)),
    };
    const retries: StoreUnavailable[] = [];
    const got: number[] = [];
    const sub = subscribe(flaky, {
      subscriptionId: 'p',
      checkpoints: inMemoryCheckpointStore(),
      pollIntervalMs: 1,
      onRetry: (e) => retries.push(e),
      handle: (events) =>
        TE.fromIO(() => {
          got.push(...events.map((e) => (e.event.data as { n: number }).n));
        }),
    });
    await waitUntil(() => got.length === 3);
    await sub.stop();
    expect(got).toEqual([0, 1, 2]);
    expect(retries).toEqual([storeUnavailable('connection refused'), storeUnavailable('connection refused')]);
    expect(await sub.done).toEqual(E.right(undefined));
  });

  it('ends with CorruptEvent (stream and revision) when it meets an undecodable event', async () => {
    const store = inMemoryEventStore();
    store.unsafeAppendRaw('s', { id: 'x', type: 'Counted', data: 'not json', metadata: '{}' });
    const sub = subscribe(store, { subscriptionId: 'p', checkpoints: inMemoryCheckpointStore(), handle: () => TE.right(undefined) });
    expect(await sub.done).toMatchObject({ _tag: 'Left', left: { _tag: 'CorruptEvent', streamId: 's', revision: 0 } });
  });
});
