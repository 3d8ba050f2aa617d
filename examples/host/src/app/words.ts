// The one vocabulary (docs/glossary.md) for what a user sees about a directory: the core's sync
// states in plain words, for the portal. The console and the API use the same terms.
import type { FailureClass, PushReason, SyncState } from '@takeover/core';

/** What the portal says about one directory, by the core's state (docs/glossary.md, "Directory states for users"). */
export const portalStateWords = (state: SyncState): string => {
  switch (state) {
    case 'in-sync':
      return 'Ready: your password works there';
    case 'awaiting-login':
      return 'Waiting for your next sign-in here, which sets your password there';
    case 'owed':
      return 'Update waiting: your details will be sent there shortly';
    case 'in-flight':
    case 'resolving':
      return 'Updating now';
    case 'failed':
    case 'blocked':
      return 'Not updated yet: your administrator can see why';
    case 'unresolved':
      return 'No account found there yet: ask your administrator';
    case 'paused':
      return 'Not in use while your account is inactive';
  }
};

/** What the console says about one binding, by the core's state (docs/glossary.md, "Directory states for admins"). */
export const consoleStateWords = (state: SyncState): string => {
  switch (state) {
    case 'in-sync':
      return 'In sync';
    case 'owed':
      return 'Update pending';
    case 'awaiting-login':
      return 'Update pending (waits for the next login)';
    case 'in-flight':
      return 'Updating';
    case 'failed':
      return 'Failing (will be retried)';
    case 'blocked':
      return 'Failing (waits for the next change)';
    case 'paused':
      return 'Not managed now (the user is staged or suspended, or the directory is disconnected)';
    case 'resolving':
      return 'Finding the account';
    case 'unresolved':
      return 'Account not found';
  }
};

/**
 * One cause of a push on the "why" page, as a sentence (docs/glossary.md: no event names). `by` is
 * already in the one form of who did it (`whoDidIt` in `@takeover/engine`: the read models write it).
 */
export const causeWords = (cause: { readonly type: string; readonly detail?: string; readonly by?: string }): string => {
  const by = cause.by === undefined ? '' : ` by ${cause.by}`;
  switch (cause.type) {
    case 'UserCreated':
      return `The user was created${by}.`;
    case 'PasswordSet':
      return `The password was set${by}.`;
    case 'AttributesChanged':
      return `The profile was changed${cause.detail === undefined || cause.detail === '' ? '' : ` (${cause.detail})`}${by}.`;
    case 'UserBound':
      return `The user was bound to this directory${by}.`;
    case 'ExternalAccountLinked':
      return 'The account in this directory was found.';
    case 'PortalLogin':
      return 'The user logged in to the portal, which carried the password there.';
    case 'ExternalPasswordChangeDetected':
      // The read model's detail is the first half of R16's sentence: "Changed in Microsoft 365 (…) outside the portal on …".
      return cause.detail === undefined || cause.detail === ''
        ? `The password was changed in this directory outside the portal${by}.`
        : `${cause.detail}${by}.`;
    default:
      return `Something else happened${by}.`;
  }
};

/** Why a push ran, in words (the console's pushes table and the why page; never the code `attributes-changed`). */
export const pushReasonWords = (reason: PushReason): string => {
  switch (reason) {
    case 'takeover':
      return 'the takeover (the first password set there)';
    case 'password-changed':
      return 'the password changed';
    case 'attributes-changed':
      return 'the profile changed';
    case 'rebind':
      return 'bound again';
    case 'external-change':
      return 'the password had been changed there outside the portal';
  }
};

/** What a push carries, in words. */
export const pushWhatWords = (push: { readonly carriesPassword: boolean }): string =>
  push.carriesPassword ? 'The password and the profile' : 'The profile only (no password)';

/** The user's platform password, in the console's words (never its version number). */
export const passwordStatusWords = (status: 'pending' | 'active' | 'expired'): string => {
  switch (status) {
    case 'pending':
      return 'Not set yet (waits for the activation email)';
    case 'active':
      return 'Set';
    case 'expired':
      return 'Expired (the user must set a new one)';
  }
};

/** A failed push's kind, in words (the why page; never the code `retryable` or `auth`). */
export const failureWords = (failure: FailureClass): string => {
  switch (failure) {
    case 'retryable':
      return 'a temporary problem in the directory (it is retried)';
    case 'permanent':
      return 'the directory refused this change (it waits for the next change)';
    case 'auth':
      return 'the directory refused our access (it waits for an admin to fix it)';
  }
};
