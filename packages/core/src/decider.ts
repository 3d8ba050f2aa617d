import type { Either } from 'fp-ts/lib/Either.js';

/**
 * A decider as a value (emmett's `Decider`, Equinox's `Fold`). `decide` is pure: everything it needs
 * beyond the state (other streams' facts, configuration) arrives in `context`; time and ids arrive on
 * the command. It returns `[]` when the state already satisfies the command.
 */
export interface Decider<Command, Event, State, Error, Context = void> {
  readonly decide: (command: Command, state: State, context: Context) => Either<Error, ReadonlyArray<Event>>;
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: State;
  /** Optional: folds many events at once, with the same result as reducing them with `evolve` (faster; e.g. one private accumulator for the whole fold). */
  readonly evolveAll?: (state: State, events: ReadonlyArray<Event>) => State;
}

/** Folds a history into a state (from `from`, default the initial state), with the decider's `evolveAll` when it has one. */
export const fold = <Event, State>(
  decider: Pick<Decider<never, Event, State, never, never>, 'evolve' | 'initialState' | 'evolveAll'>,
  events: ReadonlyArray<Event>,
  from: State = decider.initialState,
): State => (decider.evolveAll === undefined ? events.reduce(decider.evolve, from) : decider.evolveAll(from, events));
