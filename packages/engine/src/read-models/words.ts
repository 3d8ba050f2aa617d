// The read side's words (docs/glossary.md): one way to name who did something, one way to write a
// date, and the one sentence for a password changed outside the portal. The audit log, "why", the
// portal's notifications and the host's pages all use these, so nothing says it another way.
import type { IsoTime } from '@takeover/core';

/**
 * Who did something, as events record it: an actor (`{ role, id?, via? }`), or the password's
 * source (`admin`, `user-portal`, `user-activation`) that `PasswordSet` keeps.
 */
export type RecordedActor =
  | { readonly role: 'admin' | 'user' | 'system'; readonly id?: string; readonly via?: 'activation' | 'portal' }
  | 'admin'
  | 'user-portal'
  | 'user-activation';

/** The automatic actor: the platform itself (a sweep, a retry, an expiry), never "Takeover" or "system". */
export const AUTOMATIC = 'the platform (automatic)';

/**
 * The one rendering of who did something (docs/glossary.md, "Who did it"):
 * - an admin: `admin@example.com (admin)` (the id the host gave: its email, or "the API key");
 *   without an id, `an admin`;
 * - the user: `the user, in the portal` / `the user, from the activation email` / `the user`;
 * - the platform: `the platform (automatic)`.
 */
export const whoDidIt = (by: RecordedActor): string => {
  if (by === 'admin') return 'an admin';
  if (by === 'user-portal') return 'the user, in the portal';
  if (by === 'user-activation') return 'the user, from the activation email';
  switch (by.role) {
    case 'admin':
      return by.id === undefined || by.id === '' ? 'an admin' : `${by.id} (admin)`;
    case 'user':
      return by.via === 'portal' ? 'the user, in the portal' : by.via === 'activation' ? 'the user, from the activation email' : 'the user';
    case 'system':
      return AUTOMATIC;
  }
};

/** Someone acting in the directory itself (the directory names them: an email, an object id): `ada@example.com in Microsoft 365 (contoso.com)`. */
export const whoInDirectory = (by: string, directory: string): string => `${by} in ${directory}`;

/** `whoDidIt` of an event's `by`, when it is one of the recorded shapes (anything else: undefined). */
export const whoOfRecorded = (by: unknown): string | undefined => {
  if (by === 'admin' || by === 'user-portal' || by === 'user-activation') return whoDidIt(by);
  if (typeof by !== 'object' || by === null || !('role' in by)) return undefined;
  const { role, id, via } = by as { readonly role: unknown; readonly id?: unknown; readonly via?: unknown };
  if (role !== 'admin' && role !== 'user' && role !== 'system') return undefined;
  return whoDidIt({
    role,
    ...(typeof id === 'string' ? { id } : {}),
    ...(via === 'activation' || via === 'portal' ? { via } : {}),
  });
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A moment in words, in UTC to the minute: `1 Dec 2026 09:14 UTC` (text that is not a time is returned as it is). */
export const dateWords = (at: IsoTime | string): string => {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return at;
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${String(d.getUTCDate())} ${MONTHS[d.getUTCMonth()] ?? ''} ${String(d.getUTCFullYear())} ${hh}:${mm} UTC`;
};

/**
 * R16 in one sentence (the audit log and the why page): `Changed in Microsoft 365 (contoso.com)
 * outside the portal on 1 Dec 2026 09:14 UTC; set back at the login on 3 Dec 2026 08:02 UTC`, or its
 * first half alone before it is set back. Who changed it (when the directory says) is the entry's `by`
 * (`whoInDirectory`), not part of the sentence.
 */
export const externalChangeWords = (change: {
  readonly directory: string;
  readonly changedAt: IsoTime | string;
  readonly setBackAt?: IsoTime | string;
}): string =>
  `Changed in ${change.directory} outside the portal on ${dateWords(change.changedAt)}${
    change.setBackAt === undefined ? '' : `; set back at the login on ${dateWords(change.setBackAt)}`
  }`;

/** What the portal tells the user after the login that set a directory's password back (R16). */
export const externalChangeNotice = (directory: string): string =>
  `Your ${directory} password had been changed outside the portal; it is your portal password again.`;
