import { reveal } from '@takeover/core';
import type { Secret } from '@takeover/core';
import type { DirectoryAttributeName, DirectoryAttributes, NewAccountAttributes } from '@takeover/connector-kit';

/** The attributes this connector writes. */
export const entraAttributes: ReadonlyArray<DirectoryAttributeName> = [
  'primaryEmail',
  'givenName',
  'familyName',
  'displayName',
  'jobTitle',
  'department',
  'mobilePhone',
];

// #region attributes
/** DirectoryAttributes → Graph user properties (the sign-in address is `userPrincipalName`). */
export const graphAttributes = (a: DirectoryAttributes): Record<string, string> => ({
  ...(a.primaryEmail === undefined ? {} : { userPrincipalName: a.primaryEmail }),
  ...(a.givenName === undefined ? {} : { givenName: a.givenName }),
  ...(a.familyName === undefined ? {} : { surname: a.familyName }),
  ...(a.displayName === undefined ? {} : { displayName: a.displayName }),
  ...(a.jobTitle === undefined ? {} : { jobTitle: a.jobTitle }),
  ...(a.department === undefined ? {} : { department: a.department }),
  ...(a.mobilePhone === undefined ? {} : { mobilePhone: a.mobilePhone }),
});
// #endregion attributes

/** The user keeps the password: no forced change at next sign-in. */
export const passwordProfile = (password: Secret) => ({
  passwordProfile: { password: reveal(password), forceChangePasswordNextSignIn: false },
});

/** POST /users for a missing account. */
export const newUserBody = (a: NewAccountAttributes, password: Secret) => ({
  accountEnabled: true,
  displayName: a.displayName ?? `${a.givenName} ${a.familyName}`,
  mailNickname: a.primaryEmail.slice(0, a.primaryEmail.indexOf('@')).replace(/[^A-Za-z0-9._-]/g, '') || 'user',
  userPrincipalName: a.primaryEmail,
  ...graphAttributes(a),
  ...passwordProfile(password),
});

/** OData string literal: a quote is doubled. */
export const odataString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/**
 * A whole `$filter` expression, percent-encoded for the query string. The Graph JS client (3.0.7)
 * concatenates `.filter()` as given, and Graph form-decodes the query: a raw `+` would be read as a
 * space (`j+smith@…` → `j smith@…`), a raw `%41` as `A`, and `&`/`#` would cut the value. "Use query
 * parameters: Encoding query parameters" (https://learn.microsoft.com/graph/query-parameters#encoding-query-parameters).
 */
export const filterValue = (expression: string): string => encodeURIComponent(expression);
