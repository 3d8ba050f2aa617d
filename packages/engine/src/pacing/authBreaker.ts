import * as E from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import type { Clock } from '../ports.js';

/**
 * One directory's credentials check (a circuit breaker): an `auth` answer opens it, and while it is
 * open no push to that directory is started (each would fail the same way, and a storm of failed
 * sign-ins can get an app locked out). Once `pauseMs` has passed on the engine's clock, one call is
 * let through (the calls asked for meanwhile wait for it); its success closes the breaker, another
 * `auth` opens it again for `pauseMs`.
 */
export interface AuthBreaker {
  /** The directory answered `auth` recently: an admin must fix its credentials or consent. */
  readonly paused: () => boolean;
  /** Runs the call through the breaker; `undefined` when the breaker refused it (open, or open again after the trial the call waited for). */
  readonly run: <L extends { readonly _tag: string }, A>(call: () => Promise<Either<L, A>>) => Promise<Either<L, A> | undefined>;
}

const isAuthLeft = (r: Either<{ readonly _tag: string }, unknown>): boolean => E.isLeft(r) && r.left._tag === 'auth';

type BreakerState =
  | { readonly value: 'closed' }
  | { readonly value: 'open'; readonly openedAt: number }
  | { readonly value: 'half-open'; readonly trial: Promise<unknown> };

/**
 * The pause is measured on the engine's `Clock` (issue 13: cockatiel's breaker, used before, reads
 * `Date.now()` and cannot be given a clock). One consecutive `auth` answer opens it; any other
 * answer, or a call that throws, closes it.
 */
export const authBreaker = (pauseMs: number, clock: Clock): AuthBreaker => {
  let state: BreakerState = { value: 'closed' };
  // A function, not a narrowed read: other calls change `state` while this one awaits.
  const isOpen = (): boolean => state.value === 'open';
  const paused = (): boolean => state.value === 'open' && clock.now() - state.openedAt < pauseMs;
  const settle = (r: Either<{ readonly _tag: string }, unknown>): void => {
    state = isAuthLeft(r) ? { value: 'open', openedAt: clock.now() } : { value: 'closed' };
  };
  const run = async <L extends { readonly _tag: string }, A>(call: () => Promise<Either<L, A>>): Promise<Either<L, A> | undefined> => {
    switch (state.value) {
      case 'closed': {
        const r = await call();
        // Another call may have opened it meanwhile: an auth answer opens it unless it is open, a success does not close it.
        if (isAuthLeft(r) && !isOpen()) settle(r);
        return r;
      }
      case 'half-open':
        await state.trial.catch(() => undefined);
        return run(call);
      case 'open': {
        if (paused()) return undefined;
        const trial = call();
        state = { value: 'half-open', trial };
        try {
          const r = await trial;
          settle(r);
          return r;
        } catch (e) {
          state = { value: 'closed' }; // not a credentials answer
          throw e;
        }
      }
    }
  };
  return { paused, run };
};
