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
}

/** Folds a history into a state. */
export const fold = <Event, State>(
  decider: Pick<Decider<never, Event, State, never, never>, 'evolve' | 'initialState'>,
  events: ReadonlyArray<Event>,
): State => events.reduce(decider.evolve, decider.initialState);
