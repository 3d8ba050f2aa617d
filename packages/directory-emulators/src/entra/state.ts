// The Entra emulator's state: tenants, their verified domains, app registrations and users
// (passwords as verifiers only), with the revocation times a password set moves.
import type { KeyObject } from 'node:crypto';
import type { Verifier } from '../common/verifier.js';

export interface EntraApp {
  readonly clientId: string;
  readonly displayName: string;
  /** Client secret values (kept so a test can hand them to a credential; never logged). */
  readonly secrets: ReadonlyArray<string>;
  /** Certificate public keys by base64url SHA-1 (`x5t`) and SHA-256 (`x5t#S256`) thumbprint. */
  readonly certificates: ReadonlyArray<{ readonly x5t: string; readonly x5tS256: string; readonly publicKey: KeyObject }>;
  permissions: string[];
}

export interface EntraUser {
  readonly id: string;
  userPrincipalName: string;
  /** Every other property as Graph names it (displayName, mail, accountEnabled, …). */
  props: Record<string, unknown>;
  privileged: boolean;
  password: Verifier | null;
  passwordSetAt: number | null;
  forceChangePasswordNextSignIn: boolean;
  /** refreshTokensValidFromDateTime: refresh tokens issued before are revoked (a password set moves it). */
  refreshTokensValidFrom: number | null;
  /** signInSessionsValidFromDateTime (revokeSignInSessions moves it, and so does a password set). */
  signInSessionsValidFrom: number | null;
  revocationCount: number;
  readonly createdAt: number;
}

export interface EntraAuditEntry {
  readonly id: number;
  readonly activityDateTime: string;
  readonly activityDisplayName: 'Add user' | 'Update user' | 'Reset user password' | 'Delete user' | 'Revoke sign-in sessions';
  readonly initiatedByApp: string;
  readonly targetUserPrincipalName: string;
  readonly tenantId: string;
}

export interface EntraTenant {
  readonly id: string;
  readonly displayName: string;
  readonly domains: Set<string>;
  readonly apps: Map<string, EntraApp>;
  readonly users: Map<string, EntraUser>;
  bannedPasswords: string[];
}

export interface EntraState {
  readonly tenants: Map<string, EntraTenant>;
  readonly audit: EntraAuditEntry[];
}

export const emptyEntraState = (): EntraState => ({ tenants: new Map(), audit: [] });

/** A tenant by id or by any of its verified domains. */
export const findTenant = (s: EntraState, key: string): EntraTenant | undefined =>
  s.tenants.get(key.toLowerCase()) ?? [...s.tenants.values()].find((t) => t.domains.has(key.toLowerCase()));

/** A user by object id or userPrincipalName (case-insensitive). */
export const findEntraUser = (t: EntraTenant, key: string): EntraUser | undefined => {
  const k = key.toLowerCase();
  return t.users.get(k) ?? [...t.users.values()].find((u) => u.userPrincipalName.toLowerCase() === k);
};

export const appendEntraAudit = (s: EntraState, e: Omit<EntraAuditEntry, 'id'>): void => {
  s.audit.push({ id: s.audit.length + 1, ...e });
};
