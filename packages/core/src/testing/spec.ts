import * as E from 'fp-ts/lib/Either.js';
import type { Decider } from '../decider.js';
import { jsonEqual } from '../equal.js';
import { userDecider } from '../user/decide.js';
import type { UserCommand } from '../user/commands.js';
import type { UserContext } from '../user/context.js';
import type { UserError } from '../user/errors.js';
import type { UserEvent } from '../user/events.js';
import type { UserState } from '../user/state.js';

/** An expected event: its type and data (metadata, being derived ids, is not compared). */
export interface ExpectedEvent {
  readonly type: string;
  readonly data: unknown;
}

/** An expected error: its `_tag` and any other fields to compare. */
export interface ExpectedError {
  readonly _tag: string;
  readonly [field: string]: unknown;
}

export interface Then<Ev, Err> {
  /** Events (compared by type and data, in order; `[]` for "nothing to do") or an error (compared on the given fields). */
  then(expected: ReadonlyArray<ExpectedEvent> | ExpectedError): void;
  /** The raw decision, for assertions the helper does not cover. */
  readonly result: E.Either<Err, ReadonlyArray<Ev>>;
}

const show = (u: unknown): string => JSON.stringify(u, null, 2);

const fail = (what: string, expected: unknown, actual: unknown): never => {
  throw new Error(`${what}\nexpected: ${show(expected)}\nactual:   ${show(actual)}`);
};

const check = <Ev extends ExpectedEvent, Err>(
  result: E.Either<Err, ReadonlyArray<Ev>>,
  expected: ReadonlyArray<ExpectedEvent> | ExpectedError,
): void => {
  if (Array.isArray(expected)) {
    const wanted = expected as ReadonlyArray<ExpectedEvent>;
    if (E.isLeft(result)) return fail('expected events, got an error', wanted, result.left);
    const actual = result.right.map((e) => ({ type: e.type, data: e.data }));
    if (
      !jsonEqual(
        actual,
        wanted.map((e) => ({ type: e.type, data: e.data })),
      )
    )
      fail('events differ', wanted, actual);
    return;
  }
  const error = expected as ExpectedError;
  if (E.isRight(result)) return fail('expected an error, got events', error, result.right);
  const actual = result.left as Record<string, unknown>;
  for (const [k, v] of Object.entries(error)) if (!jsonEqual(actual[k], v)) fail(`error field ${k} differs`, error, actual);
};

/** A history given: `when(command)` decides on it. */
export interface Given<C, Ev, Err> {
  readonly when: (command: C) => Then<Ev, Err>;
}

/** Given / when / then for any decider (emmett's DeciderSpecification). */
export const specification = <C, Ev extends ExpectedEvent, S, Err, Ctx>(
  decider: Decider<C, Ev, S, Err, Ctx>,
  context: Ctx,
): { readonly given: (events: ReadonlyArray<Ev>) => Given<C, Ev, Err> } => ({
  given: (events: ReadonlyArray<Ev>) => ({
    when: (command: C): Then<Ev, Err> => {
      const state = events.reduce(decider.evolve, decider.initialState);
      const result = decider.decide(command, state, context);
      return { result, then: (expected) => check(result, expected) };
    },
  }),
});

/** The user decider's spec: `given(events, context).when(command).then(events | error)`. */
export const given = (
  events: ReadonlyArray<UserEvent>,
  context: UserContext = { directories: {} },
): Given<UserCommand, UserEvent, UserError> =>
  specification<UserCommand, UserEvent, UserState, UserError, UserContext>(userDecider, context).given(events);
