import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { Checkpoint, CheckpointStore, EventStore, Subscription } from '@takeover/event-store';
import { inMemoryCheckpointStore, subscribe } from '@takeover/event-store';
import type { ReadModel, Recorded } from './events.js';
import { anyEventDecoder } from './events.js';

export interface ReadModelsOptions {
  readonly subscriptionId?: string;
  readonly checkpoints?: CheckpointStore;
  readonly pollIntervalMs?: number;
}

export interface RunningReadModels {
  /** Resolves once every event appended before the call has been applied; rejects if the subscription has ended. */
  readonly catchUp: () => Promise<void>;
  readonly stop: () => Promise<void>;
  readonly subscription: Subscription;
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * Feeds read models from one checkpointed subscription to the global order (event-store's
 * `subscribe`): each batch goes to every model, then the checkpoint is saved. Mails in the store's
 * outbox are not theirs and are left out.
 */
export const runReadModels = (store: EventStore, models: ReadonlyArray<ReadModel>, options: ReadModelsOptions = {}): RunningReadModels => {
  let last: Checkpoint | undefined;
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  const subscription = subscribe(store, {
    subscriptionId: options.subscriptionId ?? 'engine-read-models',
    checkpoints: options.checkpoints ?? inMemoryCheckpointStore(),
    decoder: anyEventDecoder,
    pollIntervalMs,
    handle: (events, checkpoint) =>
      TE.fromIO(() => {
        const ours = events.filter((e): e is Recorded => e.event !== null);
        for (const m of models) m.apply(ours);
        last = checkpoint;
      }),
  });
  let ended: string | undefined;
  void subscription.done.then((r) => {
    ended = E.isLeft(r) ? r.left._tag : 'stopped';
  });
  return {
    subscription,
    catchUp: async () => {
      for (;;) {
        if (ended !== undefined) throw new Error(`read models: the subscription ended (${ended})`);
        const page = await store.readAll({ ...(last === undefined ? {} : { after: last }), maxCount: 1 })();
        if (E.isRight(page) && page.right.events.length === 0) return;
        await sleep(pollIntervalMs / 2);
      }
    },
    stop: () => subscription.stop(),
  };
};
