// Decoding a Graph POST/PATCH /users body with Graph's rules: unknown properties are rejected
// (OData), values are type-checked, `null` clears an optional property, passwordProfile is separate.
import * as E from 'fp-ts/lib/Either.js';
import type { GraphApiError } from './errors.js';
import { invalidValue, unknownProperty } from './errors.js';

const STRINGS = [
  'displayName',
  'givenName',
  'surname',
  'jobTitle',
  'department',
  'mail',
  'mailNickname',
  'userPrincipalName',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'usageLocation',
  'companyName',
  'employeeId',
  'employeeType',
  'city',
  'country',
  'state',
  'streetAddress',
  'postalCode',
  'passwordPolicies',
  'onPremisesImmutableId',
  'ageGroup',
  'consentProvidedForMinor',
  'faxNumber',
  'aboutMe',
  'mySite',
] as const;
const STRING_ARRAYS = new Set(['businessPhones', 'otherMails', 'imAddresses']);
const BOOLEANS = new Set(['accountEnabled', 'showInAddressList']);
const REQUIRED_AT_CREATE = ['accountEnabled', 'displayName', 'mailNickname', 'userPrincipalName', 'passwordProfile'] as const;
// ASCII without @ ( ) \ [ ] " ; : < > , and space.
const MAIL_NICKNAME = /^[!#$%&'*+\-/=?^_`{|}~.0-9A-Za-z]{1,64}$/;

export interface PasswordProfile {
  readonly password?: string;
  readonly forceChangePasswordNextSignIn?: boolean;
}

export interface EntraUserChanges {
  readonly props: Readonly<Record<string, unknown>>;
  readonly passwordProfile?: PasswordProfile;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const decodeProfile = (v: unknown): E.Either<GraphApiError, PasswordProfile> => {
  if (!isRecord(v)) return E.left(invalidValue('passwordProfile'));
  const out: { password?: string; forceChangePasswordNextSignIn?: boolean } = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'password') {
      if (typeof x !== 'string') return E.left(invalidValue('passwordProfile'));
      out.password = x;
    } else if (k === 'forceChangePasswordNextSignIn' || k === 'forceChangePasswordNextSignInWithMfa') {
      if (typeof x !== 'boolean') return E.left(invalidValue('passwordProfile'));
      if (k === 'forceChangePasswordNextSignIn') out.forceChangePasswordNextSignIn = x;
    } else if (!k.startsWith('@odata.')) {
      return E.left(invalidValue('passwordProfile'));
    }
  }
  return E.right(out);
};

export const decodeEntraUserWrite = (body: unknown, mode: 'create' | 'update'): E.Either<GraphApiError, EntraUserChanges> => {
  if (!isRecord(body)) return E.left(invalidValue('User'));
  const props: Record<string, unknown> = {};
  let passwordProfile: PasswordProfile | undefined;
  for (const [k, v] of Object.entries(body)) {
    if (k.startsWith('@odata.')) continue;
    if (k === 'passwordProfile') {
      if (v === null) return E.left(invalidValue('passwordProfile'));
      const p = decodeProfile(v);
      if (E.isLeft(p)) return p;
      passwordProfile = p.right;
    } else if (STRING_ARRAYS.has(k)) {
      if (v !== null && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) return E.left(invalidValue(k));
      props[k] = v ?? [];
    } else if (BOOLEANS.has(k)) {
      if (typeof v !== 'boolean') return E.left(invalidValue(k));
      props[k] = v;
    } else if ((STRINGS as ReadonlyArray<string>).includes(k)) {
      if (v !== null && typeof v !== 'string') return E.left(invalidValue(k));
      props[k] = v;
    } else {
      return E.left(unknownProperty(k));
    }
  }
  if (mode === 'create') {
    for (const r of REQUIRED_AT_CREATE) {
      if (r === 'passwordProfile' ? passwordProfile?.password === undefined : props[r] === undefined || props[r] === null)
        return E.left(invalidValue(r));
    }
  }
  for (const r of ['displayName', 'mailNickname', 'userPrincipalName'] as const) {
    if (r in props && (typeof props[r] !== 'string' || props[r].trim() === '')) return E.left(invalidValue(r));
  }
  if (typeof props['mailNickname'] === 'string' && !MAIL_NICKNAME.test(props['mailNickname'])) return E.left(invalidValue('mailNickname'));
  if (typeof props['displayName'] === 'string' && props['displayName'].length > 256) return E.left(invalidValue('displayName'));
  return E.right(passwordProfile === undefined ? { props } : { props, passwordProfile });
};
