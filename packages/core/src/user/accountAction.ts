import * as t from 'io-ts';
import { DirectoryId, ExternalUserKey, NonEmptyString, UserId, joinId } from '../ids.js';

/**
 * What happens to the external account itself, per the directory's lifecycle policy (design.md §2):
 * `onSuspend: 'suspend'` suspends it while the user is suspended (and restores it when they are
 * active again); `onUnbind: 'suspend'` suspends it when the binding ends. These are not pushes
 * (no attributes, no password): they never need the plaintext.
 */
export const AccountActionKind = t.keyof({ suspend: null, restore: null }, 'AccountActionKind');
export type AccountActionKind = t.TypeOf<typeof AccountActionKind>;

/** `access-restored`: the user is active and bound again, and the account is one Takeover suspended. */
export const AccountActionReason = t.keyof({ 'user-suspended': null, unbound: null, 'access-restored': null }, 'AccountActionReason');
export type AccountActionReason = t.TypeOf<typeof AccountActionReason>;

export const AccountActionDescription = t.type(
  {
    actionId: NonEmptyString,
    userId: UserId,
    directoryId: DirectoryId,
    generation: t.number,
    externalKey: ExternalUserKey,
    action: AccountActionKind,
    reason: AccountActionReason,
  },
  'AccountActionDescription',
);
export type AccountActionDescription = t.TypeOf<typeof AccountActionDescription>;

/** Deterministic; `version` counts the account actions recorded on the binding, so suspend → restore → suspend get distinct ids. */
export const accountActionIdFor = (
  a: Omit<AccountActionDescription, 'actionId' | 'reason'>,
  version: number,
): AccountActionDescription['actionId'] =>
  joinId('account', a.userId, a.directoryId, a.generation, a.externalKey, a.action, version) as AccountActionDescription['actionId'];
