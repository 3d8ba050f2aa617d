// The Entra state as JSON-safe data (what /__admin/state returns): verifiers, never plaintext;
// app secrets are not included.
import type { Verifier } from '../common/verifier.js';
import type { EntraUserInspection } from './render.js';
import { inspectEntraUser } from './render.js';
import type { EntraAuditEntry, EntraState } from './state.js';

export interface EntraDump {
  readonly tenants: ReadonlyArray<{
    readonly id: string;
    readonly displayName: string;
    readonly domains: ReadonlyArray<string>;
    readonly federatedDomains: ReadonlyArray<string>;
    readonly apps: ReadonlyArray<{
      readonly clientId: string;
      readonly displayName: string;
      readonly permissions: ReadonlyArray<string>;
      readonly servicePrincipalId: string;
      readonly directoryRoles: ReadonlyArray<string>;
    }>;
    readonly users: ReadonlyArray<EntraUserInspection & { readonly passwordVerifier: Verifier | null }>;
  }>;
  readonly audit: ReadonlyArray<EntraAuditEntry>;
}

export const entraDump = (s: EntraState): EntraDump => ({
  tenants: [...s.tenants.values()].map((t) => ({
    id: t.id,
    displayName: t.displayName,
    domains: [...t.domains],
    federatedDomains: [...t.domainAuthentication].filter(([, a]) => a === 'Federated').map(([d]) => d),
    apps: [...t.apps.values()].map((a) => ({
      clientId: a.clientId,
      displayName: a.displayName,
      permissions: [...a.permissions],
      servicePrincipalId: a.servicePrincipalId,
      directoryRoles: [...a.directoryRoles],
    })),
    users: [...t.users.values()].map((u) => ({ ...inspectEntraUser(u), passwordVerifier: u.password })),
  })),
  audit: [...s.audit],
});
