import * as E from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { Checkpoint } from './checkpoint.js';
import type { CheckpointStore } from './checkpointStore.js';
import { handlerFailed, type StoreUnavailable, type SubscriptionError } from './errors.js';
import type { EventStore } from './eventStore.js';
import type { AllFilter, EventDecoder, RawEvent, RecordedEvent } from './types.js';

/** How soon an empty read is retried shortly after a notification (the global order may still hold the notified events back). */
const NOTIFIED_RETRY_MS = 10;

export interface SubscribeOptions<A> {
  /** Names the checkpoint: a restarted subscription with the same id resumes where it stopped. */
  readonly subscriptionId: string;
  readonly checkpoints: CheckpointStore;
  /** Called with each batch in global order and the checkpoint just after it. A `Left` stops the
   *  subscription before its checkpoint is saved, so the batch is delivered again next time. */
  readonly handle: (events: ReadonlyArray<RecordedEvent<A>>, checkpoint: Checkpoint) => TaskEither<unknown, void>;
  readonly decoder?: EventDecoder<A>;
  readonly filter?: AllFilter;
  /** Events per batch (default 500). */
  readonly batchSize?: number;
  /** Wait between polls once caught up (default 200 ms). With a store that tells of appends
   *  (`onAppended`), a notification ends the wait at once and polling is the fallback. */
  readonly pollIntervalMs?: number;
  /** Told of each transient failure (`StoreUnavailable`), which is retried with backoff. */
  readonly onRetry?: (error: StoreUnavailable) => void;
}

export interface Subscription {
  /** Stops after the batch in hand (and its checkpoint); resolves when stopped. */
  stop(): Promise<void>;
  /** `Right` once stopped; `Left` if a corrupt event or a failing handler ended it. */
  readonly done: Promise<Either<SubscriptionError, void>>;
}

/**
 * Delivers the global order from the stored checkpoint, at least once: a batch is handled, then
 * its checkpoint saved. Works with every adapter (it polls `readAll`); where the store tells of
 * appends (`onAppended`), it reads as soon as one commits. A notified read can come back empty while
 * an older transaction is still open (the global order shows events only below it), so after a
 * notification the empty reads are retried every 10 ms for one poll interval.
 */
export const subscribe = <A = RawEvent>(store: EventStore, options: SubscribeOptions<A>): Subscription => {
  const { subscriptionId, checkpoints, handle } = options;
  const batchSize = options.batchSize ?? 500;
  const pollMs = options.pollIntervalMs ?? 200;
  let stopped = false;
  let wake: (() => void) | undefined;
  /** A notification came since the last read began. */
  let notified = false;
  /** When the last notification came (performance.now()): for a poll interval after it, empty reads are retried every `NOTIFIED_RETRY_MS`. */
  let notifiedAt = Number.NEGATIVE_INFINITY;
  const unlisten = store.onAppended?.(() => {
    notified = true;
    notifiedAt = performance.now();
    wake?.();
  });
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
    });
  // Takes a thunk: each attempt builds a fresh task (a TaskEither may have decided when it was made).
  const retrying = async <L extends SubscriptionError, T>(task: () => TaskEither<L, T>): Promise<Either<L, T>> => {
    for (let attempt = 0; ; attempt++) {
      const r = await task()();
      if (E.isRight(r) || r.left._tag !== 'StoreUnavailable' || stopped) return r;
      options.onRetry?.(r.left);
      await sleep(Math.min(pollMs * 2 ** attempt, 5_000));
    }
  };

  const run = async (): Promise<Either<SubscriptionError, void>> => {
    const loaded = await retrying(() => checkpoints.load(subscriptionId));
    if (E.isLeft(loaded)) return stopped ? E.right(undefined) : loaded;
    let after = loaded.right ?? Checkpoint.start;
    while (!stopped) {
      notified = false;
      const page = await retrying(() =>
        store.readAll<A>({
          after,
          maxCount: batchSize,
          ...(options.filter === undefined ? {} : { filter: options.filter }),
          ...(options.decoder === undefined ? {} : { decoder: options.decoder }),
        }),
      );
      if (E.isLeft(page)) return stopped && page.left._tag === 'StoreUnavailable' ? E.right(undefined) : page;
      if (page.right.events.length === 0) {
        if (notified) continue;
        await sleep(performance.now() - notifiedAt < pollMs ? Math.min(pollMs, NOTIFIED_RETRY_MS) : pollMs);
        continue;
      }
      const handled = await handle(page.right.events, page.right.checkpoint)();
      if (E.isLeft(handled)) return E.left(handlerFailed(subscriptionId, handled.left));
      const saved = await retrying(() => checkpoints.save(subscriptionId, page.right.checkpoint));
      if (E.isLeft(saved)) return saved;
      after = page.right.checkpoint;
    }
    return E.right(undefined);
  };

  const done = run().finally(() => unlisten?.());
  return {
    done,
    stop: async () => {
      stopped = true;
      wake?.();
      await done;
    },
  };
};
