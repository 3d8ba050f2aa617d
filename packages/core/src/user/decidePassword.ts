import type { Either } from 'fp-ts/lib/Either.js';
import * as E from 'fp-ts/lib/Either.js';
import { directoryLabel } from '../directory/state.js';
import { eventIdFor } from '../ids.js';
import type { PolicyTarget } from '../policy/precheck.js';
import { precheckPassword } from '../policy/precheck.js';
import { defaultPlatformPasswordPolicy } from '../policy/passwordPolicy.js';
import type { LogIn, PasswordSetter, SetPassword } from './commands.js';
import type { PasswordSource } from './events.js';
import type { UserContext } from './context.js';
import type { CannotLogIn, PasswordChangeNotAllowed, UserError } from './errors.js';
import type { UserEventDraft } from './emit.js';
import type { Decision } from './decision.js';
import { events, fail, nothing, userNotFound } from './decision.js';
import type { ExistingUser, UserState } from './state.js';
import { currentBindings } from './state.js';

/** The platform's policy and each bound, connected directory's: a new password must pass them all. */
export const passwordTargets = (user: ExistingUser, ctx: UserContext): ReadonlyArray<PolicyTarget> =>
  currentBindings(user).flatMap((b) => {
    const d = ctx.directories[b.directoryId];
    return d === undefined ? [] : [{ directoryId: d.directoryId, label: directoryLabel(d), policy: d.policy.passwordPolicy }];
  });

/** The stored vocabulary (`PasswordSet.by`) for the command's setter. */
export const passwordSourceOf = (by: PasswordSetter): PasswordSource =>
  by.role === 'admin' ? 'admin' : by.via === 'activation' ? 'user-activation' : 'user-portal';

/** Pre-checks the password and builds the PasswordSet (never containing the password). */
export const passwordSetDraft = (
  c: Omit<SetPassword, 'by'> & { readonly by: PasswordSource },
  versions: { readonly recordVersion: number; readonly passwordVersion: number; readonly targets: ReadonlyArray<PolicyTarget> },
  ctx: UserContext,
): Either<UserError, UserEventDraft> => {
  const platform: PolicyTarget = {
    label: ctx.platform?.name ?? 'This portal',
    policy: ctx.platform?.passwordPolicy ?? defaultPlatformPasswordPolicy,
  };
  const rejections = precheckPassword(c.password, [platform, ...versions.targets], ctx.passwordHooks);
  if (rejections.length > 0) {
    return E.left({
      _tag: 'PasswordRejected',
      rejections,
      message: `Please choose another password. ${rejections.map((r) => r.message).join(' ')}`,
    });
  }
  return E.right({
    type: 'PasswordSet',
    data: {
      userId: c.userId,
      by: c.by,
      passwordVersion: versions.passwordVersion + 1,
      recordVersion: versions.recordVersion + 1,
      at: c.at,
    },
  });
};

const notAllowed = (reason: PasswordChangeNotAllowed['reason'], message: string): Decision =>
  fail({ _tag: 'PasswordChangeNotAllowed', reason, message });

export const decideSetPassword = (c: SetPassword, state: UserState, ctx: UserContext): Decision => {
  if (state.status === 'absent') return userNotFound(c.userId);
  const by = passwordSourceOf(c.by);
  if (by !== 'admin') {
    if (state.state === 'staged') return notAllowed('staged', 'This account is not active yet: an administrator must activate it first.');
    if (state.state === 'suspended') return notAllowed('suspended', 'This account is suspended: ask your administrator.');
    if (by === 'user-activation' && state.passwordStatus !== 'pending')
      return notAllowed('already-activated', 'This account is already activated: change the password from the portal instead.');
    if (by === 'user-portal' && state.passwordStatus === 'pending')
      return notAllowed('not-activated', 'Activate your account first, using the link in the welcome email.');
  }
  const draft = passwordSetDraft({ ...c, by }, { ...state, targets: passwordTargets(state, ctx) }, ctx);
  return draft._tag === 'Left' ? draft : events(draft.right);
};

const cannotLogIn = (reason: CannotLogIn['reason'], message: string): Decision => fail({ _tag: 'CannotLogIn', reason, message });

/** R7: staged and suspended users cannot log in; a pending or expired password must be set first. */
export const decideLogIn = (c: LogIn, state: UserState): Decision => {
  if (state.status === 'absent') return userNotFound(c.userId);
  if (state.state === 'staged')
    return cannotLogIn('staged', 'This account is not active yet: an administrator must activate it before you can log in.');
  if (state.state === 'suspended') return cannotLogIn('suspended', 'This account is suspended: ask your administrator.');
  if (state.passwordStatus === 'pending')
    return cannotLogIn('password-pending', 'Set your password first, using the link in the welcome email.');
  if (state.passwordStatus === 'expired')
    return cannotLogIn('password-expired', 'Your password has expired: choose a new one to continue.');
  // The same command again (a double-click, a retry) is the login already recorded; another login at the same time is not.
  if (state.lastLoginEventId === eventIdFor(c.commandId, 0)) return nothing;
  return events({ type: 'PortalLogin', data: { userId: c.userId, at: c.at } });
};
