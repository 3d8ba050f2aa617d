// Google's password rules: a plain password is 8 to 100 ASCII characters; with `hashFunction` the
// value must be a well-formed hash: MD5 / SHA-1 hex digests, or `crypt` (DES, $1$, $5$, $6$ with
// rounds ≤ 10000). bcrypt is refused. The plaintext never leaves this check: it becomes a verifier.
import * as E from 'fp-ts/lib/Either.js';
import type { ScryptCost, Verifier } from '../common/verifier.js';
import { scryptVerifier } from '../common/verifier.js';
import type { GoogleApiError } from './errors.js';
import { invalidInput, invalidPassword } from './errors.js';

export type PasswordInput =
  { readonly _tag: 'Plain'; readonly plaintext: string } | { readonly _tag: 'Hashed'; readonly verifier: Verifier };

const SALT = '[./0-9A-Za-z]';
const CRYPT_FORMATS: ReadonlyArray<RegExp> = [
  new RegExp(`^${SALT}{13}$`), // traditional DES
  new RegExp(`^\\$1\\$${SALT}{0,8}\\$${SALT}{22}$`), // MD5-crypt
];
const SHA_CRYPT = /^\$([56])\$(?:rounds=(\d+)\$)?([^$]{0,16})\$([./0-9A-Za-z]+)$/;

const validCrypt = (value: string): boolean => {
  if (CRYPT_FORMATS.some((r) => r.test(value))) return true;
  const m = SHA_CRYPT.exec(value);
  if (m === null) return false;
  const [, kind, rounds, , hash = ''] = m;
  const roundsOk = rounds === undefined || (Number(rounds) >= 1000 && Number(rounds) <= 10_000);
  return roundsOk && hash.length === (kind === '5' ? 43 : 86);
};

export const checkPassword = (password: unknown, hashFunction: unknown): E.Either<GoogleApiError, PasswordInput> => {
  if (typeof password !== 'string') return E.left(invalidPassword());
  if (hashFunction === undefined || hashFunction === null) {
    const ascii = /^[\x20-\x7e]*$/.test(password);
    return ascii && password.length >= 8 && password.length <= 100
      ? E.right({ _tag: 'Plain', plaintext: password })
      : E.left(invalidPassword());
  }
  switch (hashFunction) {
    case 'MD5':
      return /^[0-9a-fA-F]{32}$/.test(password)
        ? E.right({ _tag: 'Hashed', verifier: { scheme: 'MD5', hex: password.toLowerCase() } })
        : E.left(invalidPassword());
    case 'SHA-1':
      return /^[0-9a-fA-F]{40}$/.test(password)
        ? E.right({ _tag: 'Hashed', verifier: { scheme: 'SHA-1', hex: password.toLowerCase() } })
        : E.left(invalidPassword());
    case 'crypt':
      return validCrypt(password) ? E.right({ _tag: 'Hashed', verifier: { scheme: 'crypt', value: password } }) : E.left(invalidPassword());
    default:
      return E.left(invalidInput('hashFunction'));
  }
};

export const toVerifier = (input: PasswordInput, cost: ScryptCost): Promise<Verifier> =>
  input._tag === 'Plain' ? scryptVerifier(input.plaintext, cost) : Promise.resolve(input.verifier);
