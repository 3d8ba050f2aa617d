// Applying a decoded seed: domains, service accounts (keys generated when none is given) and users
// (seed passwords become scrypt verifiers at once). Seeding again adds to or replaces by key.
import { createPublicKey, generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import { scryptVerifier } from '../common/verifier.js';
import type { ScryptCost } from '../common/verifier.js';
import type { GoogleSeed, ServiceAccountSeed } from './seed.js';
import type { GoogleState } from './state.js';
import { domainOf, findUser, newEtag, newUserId } from './state.js';

/** A service account key file as the Cloud console downloads it (private_key absent when only a public key was seeded). */
export interface ServiceAccountKey {
  readonly type: 'service_account';
  readonly project_id: string;
  readonly private_key_id: string;
  readonly private_key?: string;
  readonly client_email: string;
  readonly client_id: string;
  readonly auth_uri: string;
  readonly token_uri: string;
  readonly auth_provider_x509_cert_url: string;
  readonly client_x509_cert_url: string;
  readonly universe_domain: 'googleapis.com';
}

const keyFor = (sa: ServiceAccountSeed): { readonly publicPem: string; readonly privatePem?: string } => {
  if (sa.privateKeyPem !== undefined)
    return {
      publicPem: createPublicKey(sa.privateKeyPem).export({ type: 'spki', format: 'pem' }).toString(),
      privatePem: sa.privateKeyPem,
    };
  if (sa.publicKeyPem !== undefined) return { publicPem: sa.publicKeyPem };
  const pair = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicPem: pair.publicKey, privatePem: pair.privateKey };
};

export const applyGoogleSeed = async (
  s: GoogleState,
  seed: GoogleSeed,
  cost: ScryptCost,
  tokenUrl: string,
): Promise<ReadonlyArray<ServiceAccountKey>> => {
  if (seed.customerId !== undefined) s.customerId = seed.customerId;
  for (const d of seed.domains ?? []) s.domains.add(d.toLowerCase());
  const keys: ServiceAccountKey[] = [];
  for (const sa of seed.serviceAccounts ?? []) {
    const key = keyFor(sa);
    const clientEmail = sa.clientEmail.toLowerCase();
    const projectId = sa.projectId ?? /@([^.]+)\./.exec(clientEmail)?.[1] ?? 'takeover-test';
    const clientId = sa.clientId ?? `1${Array.from({ length: 20 }, () => randomInt(10)).join('')}`;
    const privateKeyId = sa.privateKeyId ?? randomBytes(20).toString('hex');
    s.serviceAccounts.set(clientEmail, {
      clientEmail,
      clientId,
      projectId,
      privateKeyId,
      publicKey: createPublicKey(key.publicPem),
      delegatedScopes: sa.delegatedScopes ?? [],
    });
    keys.push({
      type: 'service_account',
      project_id: projectId,
      private_key_id: privateKeyId,
      ...(key.privatePem === undefined ? {} : { private_key: key.privatePem }),
      client_email: clientEmail,
      client_id: clientId,
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      // Informational: google-auth-library ignores token_uri and always posts to oauth2.googleapis.com.
      token_uri: tokenUrl,
      auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
      client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(clientEmail)}`,
      universe_domain: 'googleapis.com',
    });
  }
  for (const u of seed.users ?? []) {
    s.domains.add(domainOf(u.primaryEmail));
    const existing = findUser(s, u.primaryEmail);
    const password = u.passwordVerifier ?? (u.password === undefined ? null : await scryptVerifier(u.password, cost));
    const at = (iso: string | undefined): number | null => (iso === undefined || Number.isNaN(Date.parse(iso)) ? null : Date.parse(iso));
    const id = u.id ?? existing?.id ?? newUserId();
    s.users.set(id, {
      id,
      primaryEmail: u.primaryEmail,
      aliases: u.aliases ?? [],
      givenName: u.givenName,
      familyName: u.familyName,
      isAdmin: u.isAdmin ?? false,
      suspended: u.suspended ?? false,
      archived: false,
      changePasswordAtNextLogin: false,
      includeInGlobalAddressList: true,
      ipWhitelisted: false,
      orgUnitPath: u.orgUnitPath ?? '/',
      extra: {},
      password,
      passwordSetAt: password === null ? null : (at(u.passwordSetAt) ?? Date.now()),
      signOutCount: u.signOutCount ?? existing?.signOutCount ?? 0,
      lastSignOutAt: at(u.lastSignOutAt) ?? existing?.lastSignOutAt ?? null,
      activeSessions: u.activeSessions ?? existing?.activeSessions ?? 0,
      creationTime: existing?.creationTime ?? Date.now(),
      // Seeded accounts exist already: no propagation delay.
      readyAt: 0,
      etag: newEtag(),
    });
  }
  return keys;
};
