// The Entra part of a seed: tenants with verified domains, app registrations (client secret and/or
// certificate, application permissions) and users.
import * as t from 'io-ts';
import { VerifierCodec } from '../common/verifier.js';

export const EntraAppSeed = t.partial({
  clientId: t.string,
  displayName: t.string,
  /** A client secret value; one is generated when neither a secret nor a certificate is given. */
  clientSecret: t.string,
  /** Generate a certificate credential (private key handed out in the credentials). */
  certificate: t.boolean,
  /** Or register this public certificate (PEM). */
  certificatePem: t.string,
  /** Application permissions (app roles) granted with admin consent. */
  permissions: t.array(t.string),
  /**
   * Directory roles assigned to the app's service principal (display names: `User Administrator`,
   * `Privileged Authentication Administrator`, …). Absent: `User Administrator`, what a takeover app
   * needs; `[]` models an app that was never given a role (every password set answers 403).
   */
  directoryRoles: t.array(t.string),
  /** The service principal's object id (default: generated). */
  servicePrincipalId: t.string,
});
export type EntraAppSeed = t.TypeOf<typeof EntraAppSeed>;

export const EntraUserSeed = t.intersection([
  t.type({ userPrincipalName: t.string, displayName: t.string }),
  t.partial({
    id: t.string,
    mailNickname: t.string,
    mail: t.string,
    givenName: t.string,
    surname: t.string,
    accountEnabled: t.boolean,
    /** Plaintext in the seed only; the emulator keeps an scrypt verifier. */
    password: t.string,
    /** Or a verifier from a dump (`dump().tenants[i].users[j].passwordVerifier`): restores a user without its plaintext. */
    passwordVerifier: VerifierCodec,
    /** With a restored verifier: when it was set, and the user's revocations (from the dump). */
    passwordSetAt: t.string,
    refreshTokensRevokedAt: t.string,
    signInSessionsRevokedAt: t.string,
    revocationCount: t.number,
    passwordPolicies: t.string,
    /** Holds an admin role (counted as Global Administrator): apps without a privileged role cannot reset its password (403). */
    privileged: t.boolean,
    /** Directory roles the user holds (display names); any makes it a privileged target. */
    roles: t.array(t.string),
  }),
]);
export type EntraUserSeed = t.TypeOf<typeof EntraUserSeed>;

export const EntraTenantSeed = t.intersection([
  t.type({ domains: t.array(t.string) }),
  t.partial({
    id: t.string,
    displayName: t.string,
    apps: t.array(EntraAppSeed),
    users: t.array(EntraUserSeed),
    bannedPasswords: t.array(t.string),
    /** Domains (added to `domains` if missing) whose authenticationType is Federated: their users' passwords cannot be set through Graph. */
    federatedDomains: t.array(t.string),
  }),
]);
export type EntraTenantSeed = t.TypeOf<typeof EntraTenantSeed>;

export const EntraSeed = t.partial({ tenants: t.array(EntraTenantSeed) });
export type EntraSeed = t.TypeOf<typeof EntraSeed>;

/** What a takeover app is granted: user writes, password profile, session revocation, and the two reads its diagnose uses. */
export const DEFAULT_APP_PERMISSIONS = [
  'User.ReadWrite.All',
  'User-PasswordProfile.ReadWrite.All',
  'User.RevokeSessions.All',
  'Domain.Read.All',
  'RoleManagement.Read.Directory',
];

export const defaultEntraTenant: EntraTenantSeed = {
  displayName: 'Contoso',
  domains: ['contoso.com', 'contoso.onmicrosoft.com'],
  apps: [{ displayName: 'Takeover sync', certificate: true, permissions: DEFAULT_APP_PERMISSIONS }],
  users: [
    { userPrincipalName: 'alex@contoso.com', displayName: 'Alex Wilber', givenName: 'Alex', surname: 'Wilber', mail: 'alex@contoso.com' },
  ],
};
