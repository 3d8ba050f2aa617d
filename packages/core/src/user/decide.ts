import * as E from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import type { Decider } from '../decider.js';
import type { UserCommand } from './commands.js';
import type { UserContext } from './context.js';
import { decideAccountActionFailed, decideAccountActionSucceeded } from './decideAccount.js';
import { decideBind, decideLink, decideMarkUnresolved, decideUnbind } from './decideBinding.js';
import {
  decideActivate,
  decideChangeAttributes,
  decideCreate,
  decideExpirePassword,
  decideStage,
  decideSuspend,
} from './decideLifecycle.js';
import {
  decideExternalPasswordChange,
  decidePushFailed,
  decidePushStarted,
  decidePushSucceeded,
  decideNoticeSent,
} from './decideOutcomes.js';
import { decideLogIn, decideSetPassword } from './decidePassword.js';
import type { Decision } from './decision.js';
import { emit } from './emit.js';
import type { UserError } from './errors.js';
import type { UserEvent } from './events.js';
import { evolveUser, evolveUserAll } from './evolve.js';
import type { UserState } from './state.js';
import { initialUserState } from './state.js';

const route = (c: UserCommand, s: UserState, ctx: UserContext): Decision => {
  switch (c.type) {
    case 'CreateUser':
      return decideCreate(c, s, ctx);
    case 'ActivateUser':
      return decideActivate(c, s);
    case 'SuspendUser':
      return decideSuspend(c, s);
    case 'StageUser':
      return decideStage(c, s);
    case 'BindDirectory':
      return decideBind(c, s, ctx);
    case 'UnbindDirectory':
      return decideUnbind(c, s, ctx);
    case 'LinkExternalAccount':
      return decideLink(c, s);
    case 'MarkExternalAccountUnresolved':
      return decideMarkUnresolved(c, s);
    case 'ChangeAttributes':
      return decideChangeAttributes(c, s);
    case 'SetPassword':
      return decideSetPassword(c, s, ctx);
    case 'ExpirePassword':
      return decideExpirePassword(c, s);
    case 'LogIn':
      return decideLogIn(c, s);
    case 'RecordPushStarted':
      return decidePushStarted(c, s, ctx);
    case 'RecordPushSucceeded':
      return decidePushSucceeded(c, s);
    case 'RecordPushFailed':
      return decidePushFailed(c, s);
    case 'RecordNoticeSent':
      return decideNoticeSent(c, s);
    case 'RecordAccountActionSucceeded':
      return decideAccountActionSucceeded(c, s);
    case 'RecordAccountActionFailed':
      return decideAccountActionFailed(c, s);
    case 'RecordExternalPasswordChange':
      return decideExternalPasswordChange(c, s);
  }
};

/** Decides what a command means for a user: events (with deterministic ids) or a domain error. Pure and total. */
export const decideUser = (command: UserCommand, state: UserState, context: UserContext): Either<UserError, ReadonlyArray<UserEvent>> =>
  E.map((drafts: Parameters<typeof emit>[1]) => emit(command, drafts))(route(command, state, context));

export const userDecider: Decider<UserCommand, UserEvent, UserState, UserError, UserContext> = {
  decide: decideUser,
  evolve: evolveUser,
  evolveAll: evolveUserAll,
  initialState: initialUserState,
};
