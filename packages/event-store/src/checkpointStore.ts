import * as TE from 'fp-ts/lib/TaskEither.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { Checkpoint } from './checkpoint.js';
import type { StoreUnavailable } from './errors.js';

/** Where a subscription keeps its position. `load` yields `undefined` for a new subscription. */
export interface CheckpointStore {
  load(subscriptionId: string): TaskEither<StoreUnavailable, Checkpoint | undefined>;
  save(subscriptionId: string, checkpoint: Checkpoint): TaskEither<StoreUnavailable, void>;
}

/** Checkpoints in a Map: for tests, and for projections rebuilt from the start on every boot. */
export const inMemoryCheckpointStore = (): CheckpointStore => {
  const saved = new Map<string, Checkpoint>();
  return {
    load: (id) => TE.right(saved.get(id)),
    save: (id, checkpoint) =>
      TE.fromIO(() => {
        saved.set(id, checkpoint);
      }),
  };
};

/**
 * For a projection that commits its checkpoint together with its own state (one transaction in
 * its own database): the subscription reads the checkpoint through `load` and leaves saving to the
 * handler, which receives each batch's checkpoint. Redelivery after a crash then cannot happen.
 */
export const handlerManagedCheckpoints = (
  load: (subscriptionId: string) => TaskEither<StoreUnavailable, Checkpoint | undefined>,
): CheckpointStore => ({ load, save: () => TE.right(undefined) });
