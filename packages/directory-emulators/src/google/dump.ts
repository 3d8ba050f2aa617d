// The Google state as JSON-safe data: what the admin API's /__admin/state returns.
import type { Verifier } from '../common/verifier.js';
import type { GoogleAuditEntry, GoogleState } from './state.js';
import type { GoogleUserInspection } from './render.js';
import { inspectUser } from './render.js';

export interface GoogleDump {
  readonly customerId: string;
  readonly domains: ReadonlyArray<string>;
  readonly serviceAccounts: ReadonlyArray<{
    readonly clientEmail: string;
    readonly projectId: string;
    readonly delegatedScopes: ReadonlyArray<string>;
  }>;
  readonly users: ReadonlyArray<GoogleUserInspection & { readonly passwordVerifier: Verifier | null }>;
  readonly audit: ReadonlyArray<GoogleAuditEntry>;
  readonly activeTokens: number;
}

export const googleDump = (s: GoogleState): GoogleDump => ({
  customerId: s.customerId,
  domains: [...s.domains],
  serviceAccounts: [...s.serviceAccounts.values()].map((sa) => ({
    clientEmail: sa.clientEmail,
    projectId: sa.projectId,
    delegatedScopes: sa.delegatedScopes,
  })),
  users: [...s.users.values()].map((u) => ({ ...inspectUser(u), passwordVerifier: u.password })),
  audit: [...s.audit],
  activeTokens: s.sessions.size,
});
