// The Google emulator's state: domains, service accounts, users (passwords as verifiers only),
// issued access tokens and the admin audit log.
import { randomBytes, randomInt } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { Verifier } from '../common/verifier.js';

export interface GoogleUser {
  id: string;
  primaryEmail: string;
  aliases: string[];
  givenName: string;
  familyName: string;
  isAdmin: boolean;
  suspended: boolean;
  archived: boolean;
  changePasswordAtNextLogin: boolean;
  includeInGlobalAddressList: boolean;
  ipWhitelisted: boolean;
  orgUnitPath: string;
  /** Other writable fields (phones, addresses, organizations, …) kept as sent. */
  extra: Record<string, unknown>;
  password: Verifier | null;
  passwordSetAt: number | null;
  /** users.signOut calls only: a password change is not a sign-out in Google. */
  signOutCount: number;
  lastSignOutAt: number | null;
  /**
   * The user's open web and device sessions (sign-in cookies). A password change leaves them open;
   * users.signOut ends them all ("Signs a user out of all web and device sessions and reset their
   * sign-in cookies", developers.google.com/workspace/admin/directory/reference/rest/v1/users/signOut).
   */
  activeSessions: number;
  creationTime: number;
  /**
   * Until then (emulator clock) the account is still being created: mutate calls answer 412 "User
   * creation is not complete." and reads 404 (users.insert reference: "Mutate calls immediately
   * following user creation might sometimes fail … propagation delay in our backends").
   */
  readyAt: number;
  etag: string;
}

export interface ServiceAccount {
  readonly clientEmail: string;
  readonly clientId: string;
  readonly projectId: string;
  readonly privateKeyId: string;
  readonly publicKey: KeyObject;
  readonly delegatedScopes: ReadonlyArray<string>;
}

/** An access token the token endpoint issued (not a user's web session: see `GoogleUser.activeSessions`). */
export interface GoogleSession {
  readonly subject: string;
  readonly scopes: ReadonlyArray<string>;
  readonly serviceAccount: string;
  readonly projectId: string;
  readonly expiresAt: number;
}

export interface GoogleAuditEntry {
  readonly id: number;
  readonly time: string;
  readonly eventName: 'CHANGE_PASSWORD' | 'CREATE_USER' | 'UPDATE_USER' | 'DELETE_USER' | 'USER_SIGN_OUT' | 'password_edit';
  /** The Reports application the event is listed under: absent for `admin` (the Admin console audit), `user_accounts` for a user's own changes. */
  readonly application?: 'user_accounts';
  readonly actorEmail: string;
  readonly userEmail: string;
  readonly description: string;
}

export interface GoogleState {
  customerId: string;
  readonly domains: Set<string>;
  readonly serviceAccounts: Map<string, ServiceAccount>;
  readonly users: Map<string, GoogleUser>;
  readonly sessions: Map<string, GoogleSession>;
  readonly audit: GoogleAuditEntry[];
}

export const emptyGoogleState = (): GoogleState => ({
  customerId: 'C0takeover',
  domains: new Set(),
  serviceAccounts: new Map(),
  users: new Map(),
  sessions: new Map(),
  audit: [],
});

/** A 21-digit numeric id, like Google's immutable user ids. */
export const newUserId = (): string => `1${Array.from({ length: 20 }, () => randomInt(10)).join('')}`;
export const newEtag = (): string => `"${randomBytes(20).toString('base64url')}"`;

export const domainOf = (email: string): string => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

/** userKey: the immutable id, the primary email or an alias (case-insensitive). */
export const findUser = (s: GoogleState, key: string): GoogleUser | undefined => {
  const byId = s.users.get(key);
  if (byId !== undefined) return byId;
  const k = key.toLowerCase();
  for (const u of s.users.values()) {
    if (u.primaryEmail.toLowerCase() === k || u.aliases.some((a) => a.toLowerCase() === k)) return u;
  }
  return undefined;
};

export const appendAudit = (s: GoogleState, entry: Omit<GoogleAuditEntry, 'id'>): void => {
  s.audit.push({ id: s.audit.length + 1, ...entry });
};
