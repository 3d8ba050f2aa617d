import * as t from 'io-ts';
import { jsonEqual } from '../equal.js';
import { PasswordPolicy, passwordPolicyForKind } from '../policy/passwordPolicy.js';

/**
 * How Takeover treats one directory (design.md §2, "push policy").
 *
 * - `passwordPush`: `every-push` (the takeover default: every push carries the password) or
 *   `when-changed` (attribute-only pushes carry no password, so Microsoft 365 does not treat them
 *   as a reset and sign the user out; the password goes only when it changed since the last
 *   successful push there).
 * - `revokeSessionsOnPush`: also end the user's sessions there after a password push.
 * - `passwordPolicy`: the directory's rules, checked before a password is accepted.
 * - `createMissingUsers`: on binding, create the account if neither the given key nor the email matches.
 * - `onUnbind` / `onSuspend`: what happens to the external account (`suspend` by default: admins
 *   expect a removed or suspended user to lose access).
 */
export const PasswordPush = t.keyof({ 'every-push': null, 'when-changed': null }, 'PasswordPush');
export type PasswordPush = t.TypeOf<typeof PasswordPush>;

export const AccountAction = t.keyof({ keep: null, suspend: null }, 'AccountAction');
export type AccountAction = t.TypeOf<typeof AccountAction>;

export const DirectoryPolicy = t.type(
  {
    passwordPush: PasswordPush,
    revokeSessionsOnPush: t.boolean,
    passwordPolicy: PasswordPolicy,
    createMissingUsers: t.boolean,
    onUnbind: AccountAction,
    onSuspend: AccountAction,
  },
  'DirectoryPolicy',
);
export type DirectoryPolicy = t.TypeOf<typeof DirectoryPolicy>;

/** What an admin may leave out when connecting a directory; `directoryPolicy` fills the defaults. */
export type DirectoryPolicyInput = Partial<DirectoryPolicy>;

/** The defaults for a connector kind, overridden by whatever the admin chose. */
export const directoryPolicy = (kind: string, input: DirectoryPolicyInput = {}): DirectoryPolicy => ({
  passwordPush: input.passwordPush ?? 'every-push',
  revokeSessionsOnPush: input.revokeSessionsOnPush ?? false,
  passwordPolicy: input.passwordPolicy ?? passwordPolicyForKind(kind),
  createMissingUsers: input.createMissingUsers ?? true,
  onUnbind: input.onUnbind ?? 'suspend',
  onSuspend: input.onSuspend ?? 'suspend',
});

/** Which top-level fields differ (for `DirectoryPolicyChanged.data.changed`). */
export const changedPolicyFields = (before: DirectoryPolicy, after: DirectoryPolicy): ReadonlyArray<keyof DirectoryPolicy> =>
  (Object.keys(after) as Array<keyof DirectoryPolicy>).filter((k) => !jsonEqual(before[k], after[k]));
