import { createHmac, randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

/** A stored account. The password exists only as an scrypt verifier. */
export interface StoredUser {
  readonly id: string;
  userName: string;
  givenName?: string | undefined;
  familyName?: string | undefined;
  displayName?: string | undefined;
  title?: string | undefined;
  emails: ReadonlyArray<{ readonly value: string; readonly type?: string; readonly primary?: boolean }>;
  active: boolean;
  verifier?: StoredPasswordVerifier;
}

/**
 * `fingerprint` is for tests only: a digest of the password keyed by this process's random key, so
 * a test can tell whether two accounts share a password without knowing it.
 */
export interface StoredPasswordVerifier {
  readonly salt: Buffer;
  readonly hash: Buffer;
  readonly fingerprint: string;
}

const FINGERPRINT_KEY = randomBytes(32);

/** The server's password rule: at least 8 characters. */
export const PASSWORD_MIN = 8;
export const acceptsPassword = (password: string): boolean => [...password].length >= PASSWORD_MIN;

export const makeVerifier = async (password: string): Promise<StoredPasswordVerifier> => {
  const salt = randomBytes(16);
  return {
    salt,
    hash: await scryptAsync(password, salt, 32),
    fingerprint: createHmac('sha256', FINGERPRINT_KEY).update(password).digest('hex'),
  };
};

export const verify = async (user: StoredUser, password: string): Promise<boolean> =>
  user.verifier !== undefined && timingSafeEqual(await scryptAsync(password, user.verifier.salt, 32), user.verifier.hash);

/** The SCIM representation (RFC 7643 §4.1); `password` is never returned (§4.1.1). */
export const toScim = (u: StoredUser) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  id: u.id,
  userName: u.userName,
  name: {
    ...(u.givenName === undefined ? {} : { givenName: u.givenName }),
    ...(u.familyName === undefined ? {} : { familyName: u.familyName }),
  },
  ...(u.displayName === undefined ? {} : { displayName: u.displayName }),
  ...(u.title === undefined ? {} : { title: u.title }),
  emails: u.emails,
  active: u.active,
  meta: { resourceType: 'User', location: `/Users/${u.id}` },
});

export const newUser = (userName: string): StoredUser => ({ id: randomUUID(), userName, emails: [], active: true });
