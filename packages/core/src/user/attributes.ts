import * as t from 'io-ts';
import { Text } from '../ids.js';

export const Email = new t.Type<string, string, unknown>(
  'Email',
  (u): u is string => typeof u === 'string' && /^[^\s@]+@[^\s@]+$/.test(u),
  (u, c) =>
    typeof u === 'string' && /^[^\s@]+@[^\s@]+$/.test(u)
      ? t.success(u)
      : t.failure(u, c, 'expected an email address such as ada@example.com'),
  (a) => a,
);

const optional = {
  displayName: Text,
  jobTitle: Text,
  department: Text,
  mobilePhone: Text,
  officeLocation: Text,
  employeeId: Text,
};

/**
 * The profile a directory takes. `email` is the primary email (the key an external account is
 * matched on when the admin gives none); the optional fields are pushed when present.
 */
export const UserAttributes = t.intersection(
  [t.type({ email: Email, givenName: Text, familyName: Text }), t.partial(optional)],
  'UserAttributes',
);
export type UserAttributes = t.TypeOf<typeof UserAttributes>;

export type AttributeName = keyof UserAttributes;
export const requiredAttributes: ReadonlyArray<AttributeName> = ['email', 'givenName', 'familyName'];
export const optionalAttributes = Object.keys(optional) as ReadonlyArray<keyof typeof optional>;
export const attributeNames: ReadonlyArray<AttributeName> = [...requiredAttributes, ...optionalAttributes];

export const AttributeNameCodec = t.keyof(
  Object.fromEntries(attributeNames.map((n) => [n, null])) as Record<AttributeName, null>,
  'AttributeName',
);

/** Who did something: an admin (with their id in the platform), the user themselves, or the system (an import, a sync job). */
export const Actor = t.intersection(
  [t.type({ role: t.keyof({ admin: null, user: null, system: null }) }), t.partial({ id: t.string })],
  'Actor',
);
export type Actor = t.TypeOf<typeof Actor>;
