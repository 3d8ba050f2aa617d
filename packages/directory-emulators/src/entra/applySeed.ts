// Applying a decoded Entra seed: tenants (ids generated when absent), apps (a client secret is
// generated unless given; a certificate when asked) and users (seed passwords become verifiers).
import { createPublicKey, randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { generateClientCertificate, thumbprints } from '../common/tls.js';
import { scryptVerifier } from '../common/verifier.js';
import type { ScryptCost } from '../common/verifier.js';
import type { EntraAppSeed, EntraSeed } from './seed.js';
import { DEFAULT_APP_PERMISSIONS } from './seed.js';
import type { EntraApp, EntraState, EntraTenant } from './state.js';
import { findEntraUser } from './state.js';
import { DEFAULT_APP_ROLES } from './roles.js';

export interface EntraAppCredentials {
  readonly tenantId: string;
  readonly clientId: string;
  readonly displayName: string;
  readonly clientSecret: string;
  /** Present when the app has a generated certificate: `pemWithKey` is what ClientCertificateCredential reads. */
  readonly certificate?: { readonly certPem: string; readonly keyPem: string; readonly pemWithKey: string; readonly thumbprint: string };
  readonly permissions: ReadonlyArray<string>;
  /** The service principal's object id (the `oid` claim of the app's tokens). */
  readonly servicePrincipalId: string;
  readonly directoryRoles: ReadonlyArray<string>;
}

export interface EntraTenantInfo {
  readonly id: string;
  readonly displayName: string;
  readonly domains: ReadonlyArray<string>;
  readonly apps: ReadonlyArray<EntraAppCredentials>;
}

const addApp = (t: EntraTenant, a: EntraAppSeed): EntraAppCredentials => {
  const clientId = (a.clientId ?? randomUUID()).toLowerCase();
  const clientSecret = a.clientSecret ?? `emu~${randomBytes(24).toString('base64url')}`;
  const generated = a.certificate === true ? generateClientCertificate(`${a.displayName ?? 'app'} (${clientId})`) : undefined;
  const certs = [
    ...(generated === undefined ? [] : [{ x5t: generated.x5t, x5tS256: generated.x5tS256, publicKey: createPublicKey(generated.certPem) }]),
    ...(a.certificatePem === undefined
      ? []
      : [{ ...thumbprints(a.certificatePem), publicKey: new X509Certificate(a.certificatePem).publicKey }]),
  ];
  const app: EntraApp = {
    clientId,
    displayName: a.displayName ?? 'Takeover app',
    secrets: [clientSecret],
    certificates: certs,
    permissions: [...(a.permissions ?? DEFAULT_APP_PERMISSIONS)],
    servicePrincipalId: (a.servicePrincipalId ?? randomUUID()).toLowerCase(),
    directoryRoles: [...(a.directoryRoles ?? DEFAULT_APP_ROLES)],
  };
  t.apps.set(clientId, app);
  return {
    tenantId: t.id,
    clientId,
    displayName: app.displayName,
    clientSecret,
    ...(generated === undefined
      ? {}
      : {
          certificate: {
            certPem: generated.certPem,
            keyPem: generated.keyPem,
            pemWithKey: `${generated.keyPem}\n${generated.certPem}`,
            thumbprint: generated.thumbprint,
          },
        }),
    permissions: app.permissions,
    servicePrincipalId: app.servicePrincipalId,
    directoryRoles: app.directoryRoles,
  };
};

export const applyEntraSeed = async (s: EntraState, seed: EntraSeed, cost: ScryptCost): Promise<ReadonlyArray<EntraTenantInfo>> => {
  const out: EntraTenantInfo[] = [];
  for (const ts of seed.tenants ?? []) {
    const id = (ts.id ?? randomUUID()).toLowerCase();
    const t: EntraTenant = s.tenants.get(id) ?? {
      id,
      displayName: ts.displayName ?? 'Contoso',
      domains: new Set(),
      domainAuthentication: new Map(),
      apps: new Map(),
      users: new Map(),
      bannedPasswords: [],
    };
    s.tenants.set(id, t);
    for (const d of ts.domains) t.domains.add(d.toLowerCase());
    for (const d of ts.federatedDomains ?? []) {
      t.domains.add(d.toLowerCase());
      t.domainAuthentication.set(d.toLowerCase(), 'Federated');
    }
    t.bannedPasswords = [...t.bannedPasswords, ...(ts.bannedPasswords ?? [])];
    const apps = (ts.apps ?? []).map((a) => addApp(t, a));
    for (const u of ts.users ?? []) {
      const existing = findEntraUser(t, u.userPrincipalName);
      const userId = (u.id ?? existing?.id ?? randomUUID()).toLowerCase();
      const {
        id: _i,
        userPrincipalName,
        password,
        privileged,
        roles,
        passwordVerifier,
        passwordSetAt,
        refreshTokensRevokedAt,
        signInSessionsRevokedAt,
        revocationCount,
        ...rest
      } = u;
      const now = Date.now();
      const at = (iso: string | undefined): number | null => (iso === undefined || Number.isNaN(Date.parse(iso)) ? null : Date.parse(iso));
      const verifier = passwordVerifier ?? (password === undefined ? null : await scryptVerifier(password, cost));
      t.users.set(userId, {
        id: userId,
        userPrincipalName,
        props: { accountEnabled: true, mailNickname: userPrincipalName.split('@')[0] ?? userPrincipalName, ...rest },
        privileged: privileged ?? false,
        roles: [...(roles ?? existing?.roles ?? [])],
        password: verifier,
        passwordSetAt: verifier === null ? null : (at(passwordSetAt) ?? now),
        forceChangePasswordNextSignIn: false,
        refreshTokensValidFrom: at(refreshTokensRevokedAt) ?? existing?.refreshTokensValidFrom ?? null,
        signInSessionsValidFrom: at(signInSessionsRevokedAt) ?? existing?.signInSessionsValidFrom ?? null,
        revocationCount: revocationCount ?? existing?.revocationCount ?? 0,
        createdAt: existing?.createdAt ?? now,
        visibleFrom: 0,
      });
    }
    out.push({ id, displayName: t.displayName, domains: [...t.domains], apps });
  }
  return out;
};
