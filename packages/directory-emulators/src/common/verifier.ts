// Passwords are kept only as verifiers. A plaintext password becomes an scrypt verifier; a password
// the client already hashed (Google's hashFunction) is kept as that hash, which a candidate can be
// checked against for MD5/SHA-1 (crypt formats are stored but not re-derived here).
import { createHash, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import * as t from 'io-ts';

/**
 * A password as an emulator stores it (and a dump shows it): an scrypt verifier for a plaintext it
 * was given, or the client's own hash (Google's `hashFunction`). Never the plaintext.
 */
export type Verifier =
  | { readonly scheme: 'scrypt'; readonly salt: string; readonly hash: string; readonly N: number }
  | { readonly scheme: 'MD5' | 'SHA-1'; readonly hex: string }
  | { readonly scheme: 'crypt'; readonly value: string };

/** A verifier as a dump shows it, for a seed that restores a dumped user (no plaintext needed). */
export const VerifierCodec: t.Type<Verifier, Verifier, unknown> = t.union([
  t.type({ scheme: t.literal('scrypt'), salt: t.string, hash: t.string, N: t.number }),
  t.type({ scheme: t.union([t.literal('MD5'), t.literal('SHA-1')]), hex: t.string }),
  t.type({ scheme: t.literal('crypt'), value: t.string }),
]);

export interface ScryptCost {
  readonly N: number;
}

const KEYLEN = 32;

const derive = (password: string, salt: Buffer, N: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    scrypt(password, salt, KEYLEN, { N, r: 8, p: 1 }, (err, key) => (err ? reject(err) : resolve(key)));
  });

/**
 * Test inspection only: a keyed digest of the password behind each verifier this process made, so a
 * test can ask whether two accounts share a password without anyone knowing it. The key lives in
 * memory and dies with the process; the digest is never dumped (a restored verifier has none).
 */
const FINGERPRINT_KEY = randomBytes(32);
const fingerprints = new WeakMap<Verifier, string>();

export const scryptVerifier = async (password: string, cost: ScryptCost): Promise<Verifier> => {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, cost.N);
  const v: Verifier = { scheme: 'scrypt', salt: salt.toString('base64'), hash: hash.toString('base64'), N: cost.N };
  fingerprints.set(v, createHmac('sha256', FINGERPRINT_KEY).update(password).digest('hex'));
  return v;
};

/** The fingerprint of the password behind `v`, when this process derived `v` from a plaintext. */
export const fingerprintOf = (v: Verifier): string | undefined => fingerprints.get(v);

/** True when `candidate` is the password behind `v`; false when it is not or cannot be checked (crypt). */
export const matches = async (v: Verifier, candidate: string): Promise<boolean> => {
  switch (v.scheme) {
    case 'scrypt': {
      const expected = Buffer.from(v.hash, 'base64');
      const got = await derive(candidate, Buffer.from(v.salt, 'base64'), v.N);
      return timingSafeEqual(expected, got);
    }
    case 'MD5':
      return createHash('md5').update(candidate).digest('hex') === v.hex.toLowerCase();
    case 'SHA-1':
      return createHash('sha1').update(candidate).digest('hex') === v.hex.toLowerCase();
    case 'crypt':
      return false;
  }
};
