import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { EventStore, Subscription } from '@takeover/event-store';
import { Checkpoint, describeCause, handlerManagedCheckpoints, subscribe } from '@takeover/event-store';
import type { Recorded } from './events.js';
import { anyEventDecoder } from './events.js';

/**
 * A persisted read model: a name (its checkpoint's key) and how a batch of the global order changes
 * its tables, inside the transaction `tx` the runner opened. `apply` must tolerate a batch it has
 * seen (keyed on stream revisions or event ids): several host instances may run the same projection.
 * SQLite's transactions are synchronous: there `apply` must not return a promise.
 */
export interface Projection<Tx> {
  readonly name: string;
  readonly apply: (tx: Tx, events: ReadonlyArray<Recorded>) => void | Promise<void>;
}

/** Where projections keep their rows and checkpoints: one database, one transaction per batch. */
export interface ProjectionTarget<Tx> {
  /** Runs `work` in one transaction: commits if it returns (or resolves), rolls back if it throws (or rejects). */
  readonly transaction: (work: (tx: Tx) => void | Promise<void>) => Promise<void>;
  readonly loadCheckpoint: (name: string) => Promise<Checkpoint | undefined>;
  /** Saves the checkpoint inside the same transaction as the rows. */
  readonly saveCheckpoint: (tx: Tx, name: string, checkpoint: Checkpoint) => void | Promise<void>;
}

export interface ProjectionRunnerOptions {
  /** Wait between polls once caught up (default 100 ms). */
  readonly pollIntervalMs?: number;
  /** Events per batch, hence per transaction (default 500). */
  readonly batchSize?: number;
  /**
   * Told of each failed batch (a deadlock, a lost connection, a bug in `apply`). The batch is rolled
   * back and tried again with backoff (up to `maxRetryDelayMs`) until it commits or the runner
   * stops: a projection never skips a batch and never ends on its own.
   */
  readonly onError?: (failure: ProjectionFailure) => void;
  /** Longest wait between two tries of a failing batch (default 30 s). */
  readonly maxRetryDelayMs?: number;
}

/** A projection whose current batch keeps failing. `error` is the cause's description (never event data). */
export interface ProjectionFailure {
  readonly name: string;
  readonly attempts: number;
  readonly since: number;
  readonly error: string;
}

export interface RunningProjections {
  /** Resolves once every event appended before the call has been applied by every projection; rejects if one has ended or the runner is stopped. */
  readonly catchUp: () => Promise<void>;
  readonly stop: () => Promise<void>;
  /** Events handed to `apply` since start, over all projections (a restart with nothing new hands none). */
  readonly delivered: () => number;
  /** Projections whose current batch is failing and being retried (for /readyz and the logs). */
  readonly failing: () => ReadonlyArray<ProjectionFailure>;
  /** Readers of the global order running now: one once every projection is caught up (more only while one lags or fails alone). */
  readonly readers: () => number;
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });
const isPromise = (x: unknown): x is Promise<void> => typeof (x as { then?: unknown } | undefined)?.then === 'function';

interface Member<Tx> {
  readonly p: Projection<Tx>;
  /** Its last committed checkpoint (`undefined` before its first batch). */
  last: Checkpoint | undefined;
  loaded: boolean;
  ended: string | undefined;
  failure: ProjectionFailure | undefined;
}

/** One reader of the global order and the projections it feeds, all at `after`. */
interface Reader<Tx> {
  members: Array<Member<Tx>>;
  after: Checkpoint;
  /** Between reading a batch and every member having committed it (members are then past `after`). */
  delivering: boolean;
  subscription: Subscription | undefined;
}

/**
 * Runs projections on ONE reader of the global order per runner (event-store's `subscribe` with
 * `handlerManagedCheckpoints`): each batch is read once and handed to every projection, and each
 * projection writes its rows and its own checkpoint in one transaction, so a restart resumes exactly
 * where its last commit left off, without re-applying and without replaying history. Mails in the
 * store's outbox are not domain events and are left out.
 *
 * Projections at different checkpoints (one added later, or a crash between two projections' commits
 * of a batch) start on one reader per checkpoint; a projection whose batch fails while the others
 * commit leaves its reader and retries that batch in place on its own (with backoff, `failing()`),
 * so one broken projection never holds the others back. A reader that reaches the position of
 * another that is between batches hands its projections over and stops: once all are caught up,
 * one reader is left.
 */
export const runProjections = <Tx>(
  store: EventStore,
  target: ProjectionTarget<Tx>,
  projections: ReadonlyArray<Projection<Tx>>,
  options: ProjectionRunnerOptions = {},
): RunningProjections => {
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
  let delivered = 0;
  let stopping = false;
  const members: Array<Member<Tx>> = projections.map((p) => ({ p, last: undefined, loaded: false, ended: undefined, failure: undefined }));
  const readers = new Set<Reader<Tx>>();
  const done: Array<Promise<unknown>> = [];

  const fail = (m: Member<Tx>, e: unknown) => {
    m.failure = {
      name: m.p.name,
      attempts: (m.failure?.attempts ?? 0) + 1,
      since: m.failure?.since ?? Date.now(),
      error: describeCause(e),
    };
    options.onError?.(m.failure);
  };
  const backoff = (attempts: number) => sleep(Math.min(maxRetryDelayMs, 50 * 2 ** Math.min(attempts - 1, 16)));

  /** One try of one batch for one projection: rows and checkpoint in one transaction. */
  const commit = async (m: Member<Tx>, events: ReadonlyArray<Recorded>, checkpoint: Checkpoint): Promise<boolean> => {
    try {
      await target.transaction((tx) => {
        const applied = events.length === 0 ? undefined : m.p.apply(tx, events);
        return isPromise(applied)
          ? applied.then(() => target.saveCheckpoint(tx, m.p.name, checkpoint))
          : target.saveCheckpoint(tx, m.p.name, checkpoint);
      });
      delivered += events.length;
      m.last = checkpoint;
      m.failure = undefined;
      return true;
    } catch (e) {
      if (!stopping) fail(m, e);
      return false;
    }
  };

  /** Hands `from`'s projections to a reader at the same position that is between batches, if there is one. */
  const merge = (from: Reader<Tx>): boolean => {
    for (const into of readers) {
      if (into === from || into.delivering || into.members.length === 0 || into.after !== from.after) continue;
      into.members.push(...from.members);
      from.members = [];
      return true;
    }
    return false;
  };

  const start = (after: Checkpoint, group: Array<Member<Tx>>): void => {
    const reader: Reader<Tx> = { members: group, after, delivering: false, subscription: undefined };
    readers.add(reader);
    const names = group.map((m) => m.p.name).join(', ');
    reader.subscription = subscribe(store, {
      subscriptionId: `projections (${names})`,
      decoder: anyEventDecoder,
      pollIntervalMs,
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      checkpoints: handlerManagedCheckpoints(() => TE.right(Checkpoint.isStart(after) ? undefined : after)),
      handle: (events, checkpoint) => async () => {
        reader.delivering = true;
        try {
          const ours = events.filter((e): e is Recorded => e.event !== null);
          let pending = reader.members;
          for (;;) {
            const tried = pending;
            const committed = await Promise.all(tried.map((m) => commit(m, ours, checkpoint)));
            pending = tried.filter((_, i) => committed[i] !== true);
            if (pending.length === 0) break;
            if (stopping) return E.left(new Error('stopped while a batch was failing'));
            if (pending.length < tried.length) {
              // Some committed: the failing ones leave and retry this batch on their own reader.
              reader.members = reader.members.filter((m) => !pending.includes(m));
              start(reader.after, pending);
              break;
            }
            // All failing (the database is down, or a lone projection is broken): retry in place.
            await backoff(Math.max(...pending.map((m) => m.failure?.attempts ?? 1)));
            if (stopping) return E.left(new Error('stopped while a batch was failing'));
          }
          reader.after = checkpoint;
        } finally {
          reader.delivering = false;
        }
        if (merge(reader)) void reader.subscription?.stop();
        return E.right(undefined);
      },
    });
    done.push(
      reader.subscription.done.then((r) => {
        readers.delete(reader);
        const ended = E.isLeft(r) ? `${r.left._tag}: ${describeCause(r.left)}` : 'stopped';
        for (const m of reader.members) m.ended = ended;
      }),
    );
  };

  const loading = (async () => {
    for (const m of members) {
      while (!m.loaded && !stopping) {
        try {
          m.last = await target.loadCheckpoint(m.p.name);
          m.loaded = true;
        } catch (e) {
          fail(m, new Error(`cannot load its checkpoint (${describeCause(e)})`));
          await backoff(m.failure?.attempts ?? 1);
        }
      }
      m.failure = undefined;
    }
    if (stopping) return;
    const byCheckpoint = new Map<Checkpoint, Array<Member<Tx>>>();
    for (const m of members) {
      const at = m.last ?? Checkpoint.start;
      byCheckpoint.set(at, [...(byCheckpoint.get(at) ?? []), m]);
    }
    for (const [at, group] of byCheckpoint) start(at, group);
  })();

  return {
    readers: () => readers.size,
    delivered: () => delivered,
    failing: () => members.flatMap((m) => (m.failure === undefined ? [] : [m.failure])),
    catchUp: async () => {
      for (const m of members) {
        for (;;) {
          // Stopped (even before its checkpoint was loaded, when no reader ever started): nothing will catch up.
          if (stopping) throw new Error(`projection ${m.p.name}: stopped before it caught up`);
          if (m.ended !== undefined) throw new Error(`projection ${m.p.name}: its subscription ended (${m.ended})`);
          if (m.failure !== undefined)
            throw new Error(`projection ${m.p.name}: its batch keeps failing (${m.failure.error}; try ${m.failure.attempts}, retrying)`);
          if (m.loaded) {
            const page = await store.readAll({ ...(m.last === undefined ? {} : { after: m.last }), maxCount: 1 })();
            if (E.isRight(page) && page.right.events.length === 0) break;
          }
          await sleep(pollIntervalMs / 2);
        }
      }
    },
    stop: async () => {
      stopping = true;
      await loading;
      await Promise.all([...readers].flatMap((r) => (r.subscription === undefined ? [] : [r.subscription.stop()])));
      await Promise.all(done);
    },
  };
};
