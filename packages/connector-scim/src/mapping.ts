import type { DirectoryAttributeName, DirectoryAttributes, NewAccountAttributes } from '@takeover/connector-kit';
import type { PatchOperation } from './codecs.js';
import { SCHEMA } from './codecs.js';

/** The attributes this connector writes, and where each goes in a SCIM User (RFC 7643 §4.1.1). */
export const scimAttributes: ReadonlyArray<DirectoryAttributeName> = ['primaryEmail', 'givenName', 'familyName', 'displayName', 'jobTitle'];

// #region operations
const replace = (path: string, value: unknown): PatchOperation => ({ op: 'replace', path, value });

const workEmail = (address: string) => [{ value: address, type: 'work', primary: true }];

/** The PATCH operations for an attribute change; fields SCIM core has no place for are left out. */
export const attributeOperations = (a: DirectoryAttributes): ReadonlyArray<PatchOperation> => [
  ...(a.primaryEmail === undefined ? [] : [replace('userName', a.primaryEmail), replace('emails', workEmail(a.primaryEmail))]),
  ...(a.givenName === undefined ? [] : [replace('name.givenName', a.givenName)]),
  ...(a.familyName === undefined ? [] : [replace('name.familyName', a.familyName)]),
  ...(a.displayName === undefined ? [] : [replace('displayName', a.displayName)]),
  ...(a.jobTitle === undefined ? [] : [replace('title', a.jobTitle)]),
];
// #endregion operations

export const patchBody = (operations: ReadonlyArray<PatchOperation>) => ({ schemas: [SCHEMA.patchOp], Operations: operations });

/** The body of `POST /Users` for a new account. */
export const newUserBody = (a: NewAccountAttributes, password: string) => ({
  schemas: [SCHEMA.user],
  userName: a.primaryEmail,
  name: { givenName: a.givenName, familyName: a.familyName },
  displayName: a.displayName ?? `${a.givenName} ${a.familyName}`,
  ...(a.jobTitle === undefined ? {} : { title: a.jobTitle }),
  emails: workEmail(a.primaryEmail),
  active: true,
  password,
});

/** RFC 7644 §3.4.2.2: a string in a filter is a JSON string. */
export const userNameFilter = (userName: string): string => `userName eq ${JSON.stringify(userName)}`;
