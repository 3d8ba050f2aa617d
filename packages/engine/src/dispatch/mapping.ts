import type { Binding, PushFailure, UserAttributes } from '@takeover/core';
import type { ConnectorError, DirectoryAttributes, NewAccountAttributes } from '@takeover/connector-kit';
import { retryable } from '@takeover/connector-kit';
import type { Clock } from '../ports.js';

/** connector-kit's taxonomy as the core records it: `_tag` → class, its reason, and what the provider said (already scrubbed by the connector). */
export const toPushFailure = (e: ConnectorError): PushFailure => ({
  class: e._tag,
  code: e.provider.code ?? (e._tag === 'auth' ? 'auth' : e.reason),
  message: e.provider.message,
  ...(e._tag === 'auth' ? {} : { reason: e.reason }),
  ...(e.provider.status === undefined ? {} : { status: e.provider.status }),
  ...(e._tag === 'retryable' && e.retryAfter !== undefined ? { retryAfterMs: e.retryAfter } : {}),
});

/**
 * A directory may not know an account it has just created (or we just linked) for a while: a
 * not-found within `windowMs` of the binding's link is `retryable/propagating`, not final. Any other
 * error comes back as it was.
 */
export const unlessPropagating = (e: ConnectorError, binding: Binding | undefined, clock: Clock, windowMs: number): ConnectorError => {
  if (e._tag !== 'permanent' || e.reason !== 'not-found' || binding?.link.status !== 'linked') return e;
  if (!(clock.now() - Date.parse(binding.link.at) < windowMs)) return e;
  return retryable('propagating', {
    ...e.provider,
    message: `${e.provider.message} (the account was linked moments ago: the directory may still be creating it)`,
  });
};

/**
 * The platform's profile in the kit's words, as a push carries it: the whole current profile
 * (writing an unchanged field is harmless) except the sign-in address. The platform's `email` is
 * what an account is matched on, not necessarily the directory's sign-in name (Entra refuses a UPN
 * outside its verified domains), and the link is by external key; so a push never renames the account.
 */
export const toDirectoryAttributes = (a: UserAttributes): DirectoryAttributes => ({
  givenName: a.givenName,
  familyName: a.familyName,
  ...(a.displayName === undefined ? {} : { displayName: a.displayName }),
  ...(a.jobTitle === undefined ? {} : { jobTitle: a.jobTitle }),
  ...(a.department === undefined ? {} : { department: a.department }),
  ...(a.mobilePhone === undefined ? {} : { mobilePhone: a.mobilePhone }),
});

/** A new account is created under the platform's email. */
export const toNewAccount = (a: UserAttributes): NewAccountAttributes => ({
  ...toDirectoryAttributes(a),
  primaryEmail: a.email,
  givenName: a.givenName,
  familyName: a.familyName,
});
