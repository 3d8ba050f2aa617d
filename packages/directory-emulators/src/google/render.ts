// The Directory API's User resource as Google returns it (the password is never returned), and the
// emulator's inspection view of a user (verifier scheme, sign-outs; never the verifier itself).
import { iso } from '../common/clock.js';
import type { GoogleState, GoogleUser } from './state.js';

export const renderUser = (s: GoogleState, u: GoogleUser): Record<string, unknown> => ({
  kind: 'admin#directory#user',
  id: u.id,
  etag: u.etag,
  primaryEmail: u.primaryEmail,
  name: { givenName: u.givenName, familyName: u.familyName, fullName: `${u.givenName} ${u.familyName}` },
  isAdmin: u.isAdmin,
  isDelegatedAdmin: false,
  lastLoginTime: '1970-01-01T00:00:00.000Z',
  creationTime: iso(u.creationTime),
  agreedToTerms: true,
  suspended: u.suspended,
  archived: u.archived,
  changePasswordAtNextLogin: u.changePasswordAtNextLogin,
  ipWhitelisted: u.ipWhitelisted,
  emails: [{ address: u.primaryEmail, primary: true }, ...u.aliases.map((a) => ({ address: a }))],
  ...(u.aliases.length > 0 ? { aliases: [...u.aliases] } : {}),
  customerId: s.customerId,
  orgUnitPath: u.orgUnitPath,
  isMailboxSetup: true,
  isEnrolledIn2Sv: false,
  isEnforcedIn2Sv: false,
  includeInGlobalAddressList: u.includeInGlobalAddressList,
  ...u.extra,
});

export interface GoogleUserInspection {
  readonly id: string;
  readonly primaryEmail: string;
  readonly aliases: ReadonlyArray<string>;
  readonly givenName: string;
  readonly familyName: string;
  readonly isAdmin: boolean;
  readonly suspended: boolean;
  readonly changePasswordAtNextLogin: boolean;
  /** How the password is kept (`scrypt` for a plain password), or null when none was ever set. */
  readonly passwordScheme: 'scrypt' | 'MD5' | 'SHA-1' | 'crypt' | null;
  readonly passwordSetAt: string | null;
  /** users.signOut calls (a password change is not one). */
  readonly signOutCount: number;
  readonly lastSignOutAt: string | null;
  /** Open web and device sessions: a password change keeps them, signOut ends them. */
  readonly activeSessions: number;
  /** When the account finishes being created (ISO), while it still answers 412/404; absent once ready. */
  readonly creationCompletesAt?: string;
  readonly extra: Readonly<Record<string, unknown>>;
}

export const inspectUser = (u: GoogleUser, now = 0): GoogleUserInspection => ({
  id: u.id,
  primaryEmail: u.primaryEmail,
  aliases: [...u.aliases],
  givenName: u.givenName,
  familyName: u.familyName,
  isAdmin: u.isAdmin,
  suspended: u.suspended,
  changePasswordAtNextLogin: u.changePasswordAtNextLogin,
  passwordScheme: u.password?.scheme ?? null,
  passwordSetAt: u.passwordSetAt === null ? null : iso(u.passwordSetAt),
  signOutCount: u.signOutCount,
  lastSignOutAt: u.lastSignOutAt === null ? null : iso(u.lastSignOutAt),
  activeSessions: u.activeSessions,
  ...(u.readyAt > now ? { creationCompletesAt: iso(u.readyAt) } : {}),
  extra: { ...u.extra },
});
