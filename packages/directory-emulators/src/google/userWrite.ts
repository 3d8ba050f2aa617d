// Decoding a users.insert / update / patch body into changes, with Google's field rules. The
// Directory API gives update (PUT) patch semantics too: absent fields are kept, `null` clears.
// Read-only and unknown fields are ignored, as the Admin SDK does.
import * as E from 'fp-ts/lib/Either.js';
import type { GoogleApiError } from './errors.js';
import { googleError, invalidInput, invalidName } from './errors.js';
import type { PasswordInput } from './password.js';
import { checkPassword } from './password.js';

const BOOLEAN_FIELDS = ['suspended', 'archived', 'changePasswordAtNextLogin', 'includeInGlobalAddressList', 'ipWhitelisted'] as const;
type BooleanField = (typeof BOOLEAN_FIELDS)[number];

/** Writable fields kept as sent (structure is not modelled by the emulator). */
export const PASSTHROUGH_FIELDS = [
  'phones',
  'addresses',
  'organizations',
  'externalIds',
  'relations',
  'emails',
  'ims',
  'websites',
  'locations',
  'languages',
  'keywords',
  'gender',
  'posixAccounts',
  'sshPublicKeys',
  'customSchemas',
  'notes',
  'recoveryEmail',
  'recoveryPhone',
] as const;

export interface UserChanges {
  primaryEmail?: string;
  givenName?: string;
  familyName?: string;
  orgUnitPath?: string;
  booleans: Partial<Record<BooleanField, boolean>>;
  extra: Record<string, unknown>;
  password?: PasswordInput;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// Letters (any script), marks, digits, spaces, and - / . ' , ; at most 60 characters.
const NAME = /^[\p{L}\p{M}\p{N} \-/.',]{1,60}$/u;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const nameField = (
  name: Record<string, unknown>,
  key: 'givenName' | 'familyName',
  required: boolean,
): E.Either<GoogleApiError, string | undefined> => {
  const v = name[key];
  const which = key === 'givenName' ? 'GivenName' : 'FamilyName';
  if (v === undefined || v === null) return required ? E.left(invalidName(which)) : E.right(undefined);
  return typeof v === 'string' && NAME.test(v) && v.trim().length > 0 ? E.right(v) : E.left(invalidName(which));
};

export const decodeUserWrite = (body: unknown, mode: 'insert' | 'update'): E.Either<GoogleApiError, UserChanges> => {
  if (!isRecord(body)) return E.left(googleError('badRequest', 'Invalid JSON payload received. Expected an object.'));
  const insert = mode === 'insert';
  const changes: UserChanges = { booleans: {}, extra: {} };

  const email = body['primaryEmail'];
  if (email !== undefined || insert) {
    if (typeof email !== 'string' || !EMAIL.test(email)) return E.left(invalidInput('primary_user_email'));
    changes.primaryEmail = email;
  }

  const name = body['name'];
  if (name !== undefined && name !== null && !isRecord(name)) return E.left(invalidInput('name'));
  if (isRecord(name) || insert) {
    const n = isRecord(name) ? name : {};
    const given = nameField(n, 'givenName', insert);
    if (E.isLeft(given)) return given;
    const family = nameField(n, 'familyName', insert);
    if (E.isLeft(family)) return family;
    if (given.right !== undefined) changes.givenName = given.right;
    if (family.right !== undefined) changes.familyName = family.right;
  }

  for (const f of BOOLEAN_FIELDS) {
    const v = body[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'boolean') return E.left(invalidInput(f));
    changes.booleans[f] = v;
  }

  const ou = body['orgUnitPath'];
  if (ou !== undefined && ou !== null) {
    if (typeof ou !== 'string' || !ou.startsWith('/')) return E.left(invalidInput('INVALID_OU_ID'));
    changes.orgUnitPath = ou;
  }

  for (const f of PASSTHROUGH_FIELDS) if (f in body) changes.extra[f] = body[f];

  const password = body['password'];
  if (password !== undefined || insert) {
    const p = checkPassword(password, body['hashFunction']);
    if (E.isLeft(p)) return p;
    changes.password = p.right;
  }
  return E.right(changes);
};
