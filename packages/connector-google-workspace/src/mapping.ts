import { isSecret, reveal } from '@takeover/core';
import type { Secret } from '@takeover/core';
import type {
  DirectoryAttributeName,
  DirectoryAttributes,
  HashedPassword,
  HashFunction,
  NewAccountAttributes,
} from '@takeover/connector-kit';

/** The attributes this connector writes: Google's `primaryEmail` and `name.givenName` / `name.familyName`. */
export const googleAttributes: ReadonlyArray<DirectoryAttributeName> = ['primaryEmail', 'givenName', 'familyName'];

/** The hash formats users.update takes with `hashFunction` (bcrypt is refused by Google). */
export const googleHashFunctions: ReadonlyArray<HashFunction> = ['MD5', 'SHA-1', 'crypt'];

/** A users.update body: patch semantics, so only what changed is sent. */
export interface GoogleUserWrite {
  primaryEmail?: string;
  name?: { givenName?: string; familyName?: string };
  password?: string;
  hashFunction?: string;
  changePasswordAtNextLogin?: boolean;
  suspended?: boolean;
}

// #region attributes
/** DirectoryAttributes → the Directory API's User fields; attributes Google has no place for are left out. */
export const attributeFields = (a: DirectoryAttributes): GoogleUserWrite => {
  const name = {
    ...(a.givenName === undefined ? {} : { givenName: a.givenName }),
    ...(a.familyName === undefined ? {} : { familyName: a.familyName }),
  };
  return {
    ...(a.primaryEmail === undefined ? {} : { primaryEmail: a.primaryEmail }),
    ...(Object.keys(name).length === 0 ? {} : { name }),
  };
};
// #endregion attributes

/** The password fields: a plaintext, or a hash with its `hashFunction`; the user keeps it (no forced change). */
export const passwordFields = (password: Secret | HashedPassword): GoogleUserWrite =>
  isSecret(password)
    ? { password: reveal(password), changePasswordAtNextLogin: false }
    : { password: reveal(password.hash), hashFunction: password.hashFunction, changePasswordAtNextLogin: false };

/** The users.insert body for a missing account. */
export const newUserBody = (a: NewAccountAttributes, password: Secret): GoogleUserWrite => ({
  primaryEmail: a.primaryEmail,
  name: { givenName: a.givenName, familyName: a.familyName },
  password: reveal(password),
  changePasswordAtNextLogin: false,
});
