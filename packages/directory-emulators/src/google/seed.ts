// The Google part of a seed (JSON file or admin API), decoded once at the edge.
import * as t from 'io-ts';
import { VerifierCodec } from '../common/verifier.js';

export const GoogleUserSeed = t.intersection([
  t.type({ primaryEmail: t.string, givenName: t.string, familyName: t.string }),
  t.partial({
    id: t.string,
    /** Plaintext in the seed only; the emulator keeps an scrypt verifier. */
    password: t.string,
    /** Or a verifier from a dump (`dump().users[i].passwordVerifier`): restores a user without its plaintext. */
    passwordVerifier: VerifierCodec,
    /** With a restored verifier: when it was set, and the user's sign-outs (from the dump). */
    passwordSetAt: t.string,
    signOutCount: t.number,
    lastSignOutAt: t.string,
    /** Open web and device sessions (the user is signed in somewhere); signOut ends them, a password change does not. */
    activeSessions: t.number,
    isAdmin: t.boolean,
    suspended: t.boolean,
    aliases: t.array(t.string),
    orgUnitPath: t.string,
  }),
]);
export type GoogleUserSeed = t.TypeOf<typeof GoogleUserSeed>;

export const ServiceAccountSeed = t.intersection([
  t.type({ clientEmail: t.string }),
  t.partial({
    projectId: t.string,
    clientId: t.string,
    privateKeyId: t.string,
    /** PKCS#8 PEM; its public half verifies assertions. Without either key one is generated. */
    privateKeyPem: t.string,
    /** SPKI PEM, when the private key stays with the caller. */
    publicKeyPem: t.string,
    /** Scopes the Workspace admin authorised for domain-wide delegation. */
    delegatedScopes: t.array(t.string),
  }),
]);
export type ServiceAccountSeed = t.TypeOf<typeof ServiceAccountSeed>;

export const GoogleSeed = t.partial({
  customerId: t.string,
  domains: t.array(t.string),
  serviceAccounts: t.array(ServiceAccountSeed),
  users: t.array(GoogleUserSeed),
});
export type GoogleSeed = t.TypeOf<typeof GoogleSeed>;

export const DIRECTORY_USER_SCOPE = 'https://www.googleapis.com/auth/admin.directory.user';
export const DIRECTORY_USER_READONLY_SCOPE = 'https://www.googleapis.com/auth/admin.directory.user.readonly';
export const DIRECTORY_USER_SECURITY_SCOPE = 'https://www.googleapis.com/auth/admin.directory.user.security';
/** The Reports API's audit activities (admin and user_accounts applications). */
export const REPORTS_AUDIT_READONLY_SCOPE = 'https://www.googleapis.com/auth/admin.reports.audit.readonly';

export const defaultGoogleSeed: Required<Pick<GoogleSeed, 'customerId' | 'domains' | 'serviceAccounts' | 'users'>> = {
  customerId: 'C0takeover',
  domains: ['example.com'],
  serviceAccounts: [
    {
      clientEmail: 'takeover-sync@takeover-test.iam.gserviceaccount.com',
      projectId: 'takeover-test',
      delegatedScopes: [DIRECTORY_USER_SCOPE, DIRECTORY_USER_READONLY_SCOPE, DIRECTORY_USER_SECURITY_SCOPE],
    },
  ],
  users: [{ primaryEmail: 'admin@example.com', givenName: 'Ada', familyName: 'Admin', isAdmin: true }],
};
