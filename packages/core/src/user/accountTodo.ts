import type { DirectoryInfo, Directories } from '../directory/state.js';
import type { AccountActionDescription } from './accountAction.js';
import { accountActionIdFor } from './accountAction.js';
import type { PushFailure } from './push.js';
import type { Binding, ExistingUser } from './state.js';

export interface OwedAccountAction extends AccountActionDescription {
  /** The last failure of this very action (a retryable one: it stays owed). */
  readonly lastFailure: PushFailure | null;
}

/**
 * The account action that would bring the external account in line with the lifecycle policy, or
 * `undefined`. Desired state: suspended after an unbind under `onUnbind: 'suspend'`, or while the
 * user is suspended under `onSuspend: 'suspend'`; restored once the user is active and bound again,
 * if Takeover is the one that suspended it. Only linked accounts of connected directories are acted on.
 */
export const accountActionDue = (
  user: ExistingUser,
  binding: Binding,
  directory: DirectoryInfo | undefined,
): AccountActionDescription | undefined => {
  if (directory === undefined || binding.link.status !== 'linked') return undefined;
  const externalKey = binding.link.externalKey;
  const suspendedByUs = binding.suspendedAccount === externalKey;
  const decide = (): Pick<AccountActionDescription, 'action' | 'reason'> | undefined => {
    if (!binding.bound) return binding.unbindAction === 'suspend' && !suspendedByUs ? { action: 'suspend', reason: 'unbound' } : undefined;
    if (user.state === 'suspended' && directory.policy.onSuspend === 'suspend')
      return suspendedByUs ? undefined : { action: 'suspend', reason: 'user-suspended' };
    if (user.state === 'active' && suspendedByUs) return { action: 'restore', reason: 'access-restored' };
    return undefined;
  };
  const what = decide();
  if (what === undefined) return undefined;
  const target = {
    userId: user.userId,
    directoryId: binding.directoryId,
    generation: binding.generation,
    externalKey,
    action: what.action,
  };
  return { actionId: accountActionIdFor(target, binding.accountActionVersion), ...target, reason: what.reason };
};

/** Account actions owed now; a permanently failed one waits for the next change (like a push, R12). */
export const owedAccountActions = (user: ExistingUser, directories: Directories): OwedAccountAction[] =>
  Object.values(user.bindings).flatMap((b) => {
    if (b === undefined) return [];
    const due = accountActionDue(user, b, directories[b.directoryId]);
    if (due === undefined) return [];
    const failure = b.accountActionFailure?.actionId === due.actionId ? b.accountActionFailure.failure : null;
    return failure?.class === 'permanent' ? [] : [{ ...due, lastFailure: failure }];
  });
