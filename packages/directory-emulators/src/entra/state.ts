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
  /** The object id of the app's service principal in this tenant (the `oid` claim of its app-only tokens). */
  readonly servicePrincipalId: string;
  /** Directory roles (display names, see roles.ts) assigned to the service principal. */
  directoryRoles: string[];
}

export interface EntraUser {
  readonly id: string;
  userPrincipalName: string;
  /** Every other property as Graph names it (displayName, mail, accountEnabled, …). */
  props: Record<string, unknown>;
  /** Seeded as holding an admin role without naming it (kept for older seeds: counts as Global Administrator). */
  privileged: boolean;
  /** Directory roles the user holds (display names, see roles.ts): any makes the user a privileged target. */
  roles: string[];
  password: Verifier | null;
  passwordSetAt: number | null;
  forceChangePasswordNextSignIn: boolean;
  /** refreshTokensValidFromDateTime: refresh tokens issued before are revoked (a password set moves it). */
  refreshTokensValidFrom: number | null;
  /** signInSessionsValidFromDateTime (revokeSignInSessions moves it, and so does a password set). */
  signInSessionsValidFrom: number | null;
  revocationCount: number;
  readonly createdAt: number;
  /**
   * Before this instant (emulator clock) the user is not yet replicated: reads and writes by id or
   * UPN answer 404 (propagation after create; 0 for seeded users).
   */
  readonly visibleFrom: number;
}

export interface EntraAuditEntry {
  readonly id: number;
  readonly activityDateTime: string;
  readonly activityDisplayName:
    'Add user' | 'Update user' | 'Reset user password' | 'Change user password' | 'Delete user' | 'Revoke sign-in sessions';
  /** Empty when a user acted (self-service `Change user password`): see `initiatedByUser`. */
  readonly initiatedByApp: string;
  readonly targetUserPrincipalName: string;
  readonly tenantId: string;
  /** The user who acted, when it was not an app. */
  readonly initiatedByUser?: string;
}

export type DomainAuthentication = 'Managed' | 'Federated';

export interface EntraTenant {
  readonly id: string;
  readonly displayName: string;
  readonly domains: Set<string>;
  /** Each domain's authenticationType (absent: `Managed`); a `Federated` domain's users get their password from the federation provider. */
  readonly domainAuthentication: Map<string, DomainAuthentication>;
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

/** A user as a replica answering now sees it: not before its `visibleFrom` (propagation after create). */
export const findVisibleEntraUser = (t: EntraTenant, key: string, nowMs: number): EntraUser | undefined => {
  const u = findEntraUser(t, key);
  return u === undefined || u.visibleFrom > nowMs ? undefined : u;
};

export const appendEntraAudit = (s: EntraState, e: Omit<EntraAuditEntry, 'id'>): void => {
  s.audit.push({ id: s.audit.length + 1, ...e });
};
