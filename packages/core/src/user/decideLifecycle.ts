import type { ActivateUser, ChangeAttributes, CreateUser, ExpirePassword, StageUser, SuspendUser } from './commands.js';
import type { UserContext } from './context.js';
import { validateAttributeChanges, validateAttributes } from './validateAttributes.js';
import type { Decision } from './decision.js';
import { events, fail, nothing, userNotFound } from './decision.js';
import { passwordSetDraft } from './decidePassword.js';
import type { UserState } from './state.js';

export const decideCreate = (c: CreateUser, state: UserState, ctx: UserContext): Decision => {
  // A retry of the same creation (same time) is already satisfied; another creation is a conflict.
  if (state.status === 'present') {
    return state.createdAt === c.at
      ? nothing
      : fail({ _tag: 'UserAlreadyExists', userId: c.userId, message: `User ${c.userId} already exists.` });
  }
  const problems = validateAttributes(c.attributes);
  if (problems.length > 0)
    return fail({ _tag: 'InvalidAttributes', problems, message: `The user's details are not valid: ${problems.join('; ')}.` });
  const created = {
    type: 'UserCreated',
    data: { userId: c.userId, state: c.state, attributes: c.attributes, by: c.by, at: c.at },
  } as const;
  if (c.password === undefined) return events(created);
  // A first password is checked against the platform's policy only: no directory is bound yet.
  const set = passwordSetDraft(
    { ...c, type: 'SetPassword', password: c.password, by: c.passwordSetBy ?? 'admin' },
    { recordVersion: 1, passwordVersion: 0, targets: [] },
    ctx,
  );
  return set._tag === 'Left' ? set : events(created, set.right);
};

const changeState = (c: ActivateUser | SuspendUser | StageUser, state: UserState, to: 'active' | 'suspended' | 'staged'): Decision => {
  if (state.status === 'absent') return userNotFound(c.userId);
  if (state.state === to) return nothing;
  return events({ type: 'UserStateChanged', data: { userId: c.userId, from: state.state, to, by: c.by, at: c.at } });
};

export const decideActivate = (c: ActivateUser, s: UserState): Decision => changeState(c, s, 'active');
export const decideSuspend = (c: SuspendUser, s: UserState): Decision => changeState(c, s, 'suspended');
export const decideStage = (c: StageUser, s: UserState): Decision => changeState(c, s, 'staged');

export const decideChangeAttributes = (c: ChangeAttributes, state: UserState): Decision => {
  if (state.status === 'absent') return userNotFound(c.userId);
  const result = validateAttributeChanges(state.attributes, c.changes);
  if (result.problems.length > 0) {
    return fail({
      _tag: 'InvalidAttributes',
      problems: result.problems,
      message: `These changes are not valid: ${result.problems.join('; ')}.`,
    });
  }
  if (Object.keys(result.changed).length === 0 && result.cleared.length === 0) return nothing;
  return events({
    type: 'AttributesChanged',
    data: {
      userId: c.userId,
      changed: result.changed,
      cleared: [...result.cleared],
      recordVersion: state.recordVersion + 1,
      by: c.by,
      at: c.at,
    },
  });
};

export const decideExpirePassword = (c: ExpirePassword, state: UserState): Decision => {
  if (state.status === 'absent') return userNotFound(c.userId);
  if (state.passwordStatus !== 'active') return nothing;
  return events({ type: 'PasswordExpired', data: { userId: c.userId, by: c.by, at: c.at } });
};
