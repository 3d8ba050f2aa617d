import type { Either } from 'fp-ts/lib/Either.js';
import * as E from 'fp-ts/lib/Either.js';
import { ExponentialBackoff, handleWhenResult, retry } from 'cockatiel';
import type { ConnectorError } from '@takeover/connector-kit';
import { retryable } from '@takeover/connector-kit';
import type { Clock } from '../ports.js';
import type { Pacer } from './pacer.js';
import { PacerClosed } from './pacer.js';

/** A call the engine's close refused before it was sent: retryable, so the work it was for stays owed. */
const notSent = retryable('server', { message: 'not sent: the engine was closed before this call got its slot' });

/**
 * When the call stops retrying: a fixed `deadline` (epoch ms, on the call's clock: the plaintext's
 * hold deadline, never to be passed), or a `windowMs` counted from when the directory's pacer granted
 * the first attempt its slot (the background window: time spent waiting in the queue behind a bulk
 * import is not time spent retrying).
 */
export type RetryUntil = { readonly deadline: number } | { readonly windowMs: number };

export type RetryOptions = RetryUntil & RetryPolicyOptions;

export interface RetryPolicyOptions {
  /** Attempts at most (default 8). */
  readonly maxAttempts?: number;
  /** Backoff: first delay and cap, in ms (defaults 250 and 15,000); cockatiel adds decorrelated jitter. */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly onThrottled?: (retryAfterMs: number | undefined) => void;
  readonly onRetry?: () => void;
  /** Asked before each attempt, when it reaches the head of the directory's queue: an answer here ends the call unsent, without using a rate slot. */
  readonly abandonIf?: () => Abandoned | undefined;
}

const isRetryableLeft = (r: unknown): boolean => {
  const e = r as Either<{ readonly _tag: string }, unknown>;
  return E.isLeft(e) && e.left._tag === 'retryable';
};

/**
 * One directory call, paced and retried: each attempt waits for the directory's pacer (so a
 * `Retry-After` holds back this and every other request to it); retryable failures are retried with
 * exponential backoff and jitter (cockatiel) until the attempts or the deadline (or the window from
 * the first attempt's slot) run out; permanent and auth failures return at once. The first attempt
 * always runs. Resolves with the last result (a retryable "not sent" when the pacer was closed
 * before the first attempt's slot); never rejects.
 */
/** A call the caller itself gave up before sending (see `dispatch/push.ts`). */
export interface Abandoned {
  readonly _tag: 'abandoned';
  readonly why: 'superseded' | 'hold-expired' | 'directory-paused';
}

export const pacedCall = async <Err extends ConnectorError | Abandoned, A>(
  pacer: Pacer,
  clock: Clock,
  call: () => Promise<Either<Err, A>>,
  options: RetryOptions,
): Promise<Either<Err, A>> => {
  const policy = retry(handleWhenResult(isRetryableLeft), {
    maxAttempts: (options.maxAttempts ?? 8) - 1,
    backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs ?? 250, maxDelay: options.maxDelayMs ?? 15_000 }),
  });
  const abort = new AbortController();
  let deadline: number | undefined;
  let untilDeadline: NodeJS.Timeout | undefined;
  const fix = (at: number): void => {
    deadline = at;
    untilDeadline = setTimeout(() => abort.abort(), Math.max(0, at - clock.now()));
    untilDeadline.unref();
  };
  if ('deadline' in options) fix(options.deadline);
  const windowMs = 'windowMs' in options ? options.windowMs : 0;
  // A window starts when the first attempt is let through (its slot granted), not when it was queued.
  const firstCall = (): Promise<Either<Err, A>> => {
    if (deadline === undefined) fix(clock.now() + windowMs);
    return call();
  };
  const retried = policy.onRetry(() => options.onRetry?.());
  let last: Either<Err, A> | undefined;
  try {
    return await policy.execute(async () => {
      if (last !== undefined && deadline !== undefined && clock.now() >= deadline) return last;
      const abandonIf = options.abandonIf;
      last = await pacer.schedule(
        firstCall,
        abandonIf === undefined
          ? undefined
          : () => {
              const why = abandonIf();
              return why === undefined ? undefined : E.left(why as Err);
            },
      );
      if (E.isLeft(last)) {
        const e: ConnectorError | Abandoned = last.left;
        if (e._tag === 'retryable' && (e.reason === 'throttled' || e.retryAfter !== undefined)) {
          pacer.throttled(e.retryAfter);
          options.onThrottled?.(e.retryAfter);
        }
      } else {
        pacer.succeeded();
      }
      return last;
    }, abort.signal);
  } catch (e) {
    // The pacer was closed (the engine's close) while this attempt waited for its slot.
    if (e instanceof PacerClosed) return last ?? E.left(notSent as Err);
    throw e;
  } finally {
    if (untilDeadline !== undefined) clearTimeout(untilDeadline);
    retried.dispose();
  }
};
