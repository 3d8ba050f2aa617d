import * as E from 'fp-ts/lib/Either.js';
import { userDecider } from '../user/decide.js';
import type { UserCommand } from '../user/commands.js';
import type { UserContext } from '../user/context.js';
import type { UserEvent } from '../user/events.js';

/**
 * Runs commands through the user decider and returns the events, for building a `given` history
 * from what happened rather than by hand. A refused command is a broken fixture: it throws.
 */
export const historyOf = (
  context: UserContext,
  commands: ReadonlyArray<UserCommand>,
  start: ReadonlyArray<UserEvent> = [],
): ReadonlyArray<UserEvent> => {
  const out = [...start];
  let state = out.reduce(userDecider.evolve, userDecider.initialState);
  for (const c of commands) {
    const result = userDecider.decide(c, state, context);
    if (E.isLeft(result)) throw new Error(`fixture command ${c.type} was refused: ${result.left.message}`);
    for (const e of result.right) {
      state = userDecider.evolve(state, e);
      out.push(e);
    }
  }
  return out;
};
