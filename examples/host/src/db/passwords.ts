// Platform passwords as scrypt hashes (node:crypto): a random salt per hash, the cost parameters
// stored with it (so they can be raised later without breaking old hashes), a timing-safe compare,
// and a dummy verification for unknown accounts so response time does not tell which emails exist.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { reveal, Secret } from '@takeover/core';

export interface ScryptCost {
  /** CPU/memory cost, a power of two (default 2^15: about 32 MiB and tens of milliseconds). */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** OWASP's scrypt minimum is N=2^17 with r=8, p=1; 2^15 keeps logins snappy on a small demo host while staying well above emulator-grade costs. */
export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };
/** For tests only: fast, and never the default. */
export const TEST_SCRYPT_COST: ScryptCost = { N: 2 ** 10, r: 8, p: 1 };

const KEYLEN = 32;

const derive = (password: Secret, salt: Buffer, cost: ScryptCost): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    scrypt(reveal(password), salt, KEYLEN, { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r + 1024 * 1024 }, (err, key) =>
      err ? reject(new Error(`scrypt failed: ${err.name}`)) : resolve(key),
    );
  });

/** `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>` */
export const hashPassword = async (password: Secret, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<string> => {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), hash.toString('base64')].join('$');
};

const parse = (stored: string): { readonly cost: ScryptCost; readonly salt: Buffer; readonly hash: Buffer } | undefined => {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || n === undefined || r === undefined || p === undefined || salt === undefined || hash === undefined)
    return undefined;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (![cost.N, cost.r, cost.p].every((x) => Number.isSafeInteger(x) && x > 0)) return undefined;
  return { cost, salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
};

export const verifyPassword = async (password: Secret, stored: string): Promise<boolean> => {
  const parsed = parse(stored);
  if (parsed === undefined) return false;
  const got = await derive(password, parsed.salt, parsed.cost);
  return got.length === parsed.hash.length && timingSafeEqual(got, parsed.hash);
};

/** Spends the same work as a real verification, for an unknown email or an account without a password. */
export const dummyVerification = (cost: ScryptCost): ((password: Secret) => Promise<false>) => {
  let dummy: Promise<string> | undefined;
  return async (password) => {
    dummy ??= hashPassword(Secret.of(randomBytes(16).toString('hex')), cost);
    await verifyPassword(password, await dummy);
    return false;
  };
};
