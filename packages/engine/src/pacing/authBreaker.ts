import * as E from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import {
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhenResult,
  isBrokenCircuitError,
  isIsolatedCircuitError,
} from 'cockatiel';

/**
 * One directory's credentials check (cockatiel's circuit breaker): an `auth` answer opens it, and
 * while it is open no push to that directory is started (each would fail the same way, and a storm
 * of failed sign-ins can get an app locked out). After `pauseMs` one call is let through; its
 * success closes the breaker, another `auth` keeps it open.
 */
export interface AuthBreaker {
  /** The directory answered `auth` recently: an admin must fix its credentials or consent. */
  readonly paused: () => boolean;
  /** Runs the call through the breaker; `undefined` when the breaker refused it (open, or its half-open trial is taken). */
  readonly run: <L extends { readonly _tag: string }, A>(call: () => Promise<Either<L, A>>) => Promise<Either<L, A> | undefined>;
}

const isAuthLeft = (r: unknown): boolean => {
  const e = r as Either<{ readonly _tag: string }, unknown>;
  return E.isLeft(e) && e.left._tag === 'auth';
};

export const authBreaker = (pauseMs: number): AuthBreaker => {
  const policy = circuitBreaker(handleWhenResult(isAuthLeft), { halfOpenAfter: pauseMs, breaker: new ConsecutiveBreaker(1) });
  // cockatiel moves from open to half-open lazily, on the next call: the pause is over once `pauseMs` has passed.
  let openedAt = 0;
  policy.onBreak(() => {
    openedAt = Date.now();
  });
  return {
    paused: () => policy.state === CircuitState.Open && Date.now() - openedAt < pauseMs,
    run: async (call) => {
      try {
        return await policy.execute(call);
      } catch (e) {
        if (isBrokenCircuitError(e) || isIsolatedCircuitError(e)) return undefined;
        throw e;
      }
    },
  };
};
