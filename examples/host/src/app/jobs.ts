// The host's job runner: a long operation (a bulk action on thousands of users, a CSV import) is
// stored as a job with one item per unit of work (src/db/jobStore.ts), then carried out in the
// background a few items at a time. Progress and per-item results are read from the database, so a
// page reload, another instance or a restart sees the same job; a restart (or another instance,
// once the hold lapses) resumes the items without a result. An item's handler must be safe to run
// twice (stable command ids): a crash between its effect and its result runs it again.
//
// A job can be cancelled (`cancel`): the items it had not reached are marked not done at once, and
// every runner asks before each item whether the job still runs, so it stops between items. An
// item already running when the cancel came finishes and its real result replaces "not done".
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CancelOutcome, JobItemResult, JobRecord, JobState, JobStore } from '../db/jobStore.js';

/** Carries out one item of a job of its kind; `jobId` and `seq` make its command ids stable. */
export type JobHandler = (
  item: string,
  job: { readonly id: string; readonly seq: number; readonly spec: string },
) => Promise<JobItemResult>;

/** `GET /api/jobs/:jobId`. */
export interface JobView {
  readonly id: string;
  readonly kind: string;
  readonly state: JobState;
  /** Items carried out (worked or failed). */
  readonly done: number;
  readonly total: number;
  readonly failed: number;
  /** Items a cancel stopped before they ran (each has a result with `ok: false` saying so). */
  readonly notDone: number;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly finishedAt: string | null;
  /** Per item, in order: the item (a user id, a CSV line number), whether it worked, and what happened. */
  readonly results: ReadonlyArray<JobResultView>;
}

export interface JobResultView {
  readonly item: string;
  readonly ok: boolean;
  readonly outcome: string;
  /** Present (true) when a cancel stopped the item before it ran: nothing was done for it. */
  readonly notDone?: true;
}

export interface Jobs {
  readonly register: (kind: string, handler: JobHandler) => void;
  /**
   * Stores the job and starts it; with an idempotency key already used by a job, answers that one
   * (`created: false`); with `keyExpiresAfterDoneMs`, only until that job has been done that long.
   */
  readonly start: (job: {
    readonly kind: string;
    readonly createdBy: string;
    readonly spec: string;
    readonly items: ReadonlyArray<string>;
    readonly idempotencyKey?: string;
    readonly keyExpiresAfterDoneMs?: number;
  }) => Promise<{ readonly jobId: string; readonly created: boolean }>;
  readonly view: (jobId: string, options?: { readonly resultsLimit?: number }) => Promise<JobView | undefined>;
  /**
   * Cancels a running job (from any instance): `cancelled` now or `already-cancelled` (idempotent),
   * `done` when it finished first, `unknown` when there is no such job. `by` names who cancelled
   * in the outcome of each item left undone.
   */
  readonly cancel: (jobId: string, by: string) => Promise<CancelOutcome>;
  /** Resumes jobs whose runner stopped (at start, and now and then); `breakHolds`: every running job is an orphan (SQLite: this is the only process). */
  readonly resumeOrphans: (options?: { readonly breakHolds?: boolean }) => Promise<number>;
  /** Resolves when the job's runner in this instance ends (tests, shutdown). */
  readonly settled: (jobId: string) => Promise<void>;
  /** Stops taking new items; running items finish. */
  readonly close: () => Promise<void>;
}

export interface JobOptions {
  readonly instanceId: string;
  /** Items carried out at once per job (default 4). */
  readonly concurrency?: number;
  /** How long a runner's hold lasts without renewal (default 60 s). */
  readonly holdMs?: number;
  readonly now?: () => Date;
  /** Called before each item is carried out (tests hold a job at an exact item). */
  readonly beforeItem?: (jobId: string, seq: number) => Promise<void>;
}

const BATCH = 50;

export const jobRunner = (store: JobStore, logger: Logger, options: JobOptions): Jobs => {
  const handlers = new Map<string, JobHandler>();
  const running = new Map<string, Promise<void>>();
  const now = options.now ?? (() => new Date());
  const holdMs = options.holdMs ?? 60_000;
  const concurrency = options.concurrency ?? 4;
  const holder = `${options.instanceId}/${randomUUID()}`;
  let closing = false;
  /** Jobs cancelled through this instance: its runners stop without asking the store. */
  const cancelled = new Set<string>();

  const runItems = async (job: JobRecord, handler: JobHandler, takeOver: boolean): Promise<void> => {
    for (let first = true; ; first = false) {
      if (closing) return;
      // A hold left by a dead process of this same database file (SQLite: one process) is broken at once.
      const checkAt = first && takeOver ? new Date(8.64e15) : now();
      if (!(await store.claim(job.id, holder, new Date(now().getTime() + holdMs), checkAt))) return; // another instance has it
      const batch = [...(await store.pending(job.id, BATCH))];
      if (batch.length === 0) break;
      const worker = async () => {
        for (let next = batch.shift(); next !== undefined && !closing; next = batch.shift()) {
          await options.beforeItem?.(job.id, next.seq);
          // Between items: a cancel (here or on another instance) stops the job before the next one.
          if (cancelled.has(job.id) || !(await store.running(job.id))) return;
          let result: JobItemResult;
          try {
            result = await handler(next.item, { id: job.id, seq: next.seq, spec: job.spec });
          } catch (e) {
            logger.error({ err: { type: (e as Error).name }, jobId: job.id, seq: next.seq }, 'a job item failed unexpectedly');
            result = { ok: false, outcome: 'failed: an unexpected error (the log has the details)' };
          }
          await store.record(job.id, next.seq, result);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    }
    await store.finish(job.id, now());
    logger.info({ jobId: job.id, kind: job.kind }, 'job finished');
  };

  const launch = (jobId: string, takeOver = false): Promise<void> => {
    if (running.has(jobId) || closing) return Promise.resolve();
    // Registered before the first await: parallel starts of one job launch one runner.
    const p = (async () => {
      const job = await store.get(jobId);
      if (job === undefined || job.state !== 'running') return;
      const handler = handlers.get(job.kind);
      if (handler === undefined) {
        logger.warn({ jobId, kind: job.kind }, 'no handler for this job kind here; it waits');
        return;
      }
      await runItems(job, handler, takeOver);
    })()
      .catch((e: unknown) => {
        logger.error({ err: { type: (e as Error).name }, jobId }, 'a job stopped; it resumes at the next start');
      })
      .finally(() => running.delete(jobId));
    running.set(jobId, p);
    return Promise.resolve();
  };

  return {
    register: (kind, handler) => {
      handlers.set(kind, handler);
    },
    start: async ({ kind, createdBy, spec, items, ...key }) => {
      const made = await store.create({ id: randomUUID(), kind, createdBy, spec, items, ...key });
      await launch(made.id);
      return { jobId: made.id, created: made.created };
    },
    view: async (jobId, { resultsLimit = 10_000 } = {}) => {
      if (jobId.length === 0 || jobId.length > 100) return undefined;
      const job = await store.get(jobId);
      if (job === undefined) return undefined;
      const results = await store.results(jobId, 0, resultsLimit);
      return {
        id: job.id,
        kind: job.kind,
        state: job.state,
        done: job.done,
        total: job.total,
        failed: job.failed,
        notDone: job.notDone,
        createdBy: job.createdBy,
        createdAt: job.createdAt.toISOString(),
        finishedAt: job.finishedAt?.toISOString() ?? null,
        results: results.map((r) =>
          r.ok === null
            ? { item: r.item, ok: false, outcome: r.outcome, notDone: true as const }
            : { item: r.item, ok: r.ok, outcome: r.outcome },
        ),
      };
    },
    cancel: async (jobId, by) => {
      if (jobId.length === 0 || jobId.length > 100) return 'unknown';
      const outcome = await store.cancel(jobId, now(), `not done: the job was cancelled by ${by} before this item`);
      if (outcome === 'cancelled' || outcome === 'already-cancelled') cancelled.add(jobId);
      if (outcome === 'cancelled') logger.info({ jobId, by }, 'job cancelled');
      return outcome;
    },
    resumeOrphans: async ({ breakHolds = false } = {}) => {
      const ids = await store.orphaned(breakHolds ? new Date(8.64e15) : now());
      for (const id of ids) await launch(id, breakHolds);
      return ids.length;
    },
    settled: async (jobId) => {
      await running.get(jobId);
    },
    close: async () => {
      closing = true;
      await Promise.all(running.values());
    },
  };
};
