// The Graph user resource (v1.0 default properties, or `$select`) and the emulator's inspection view.
import * as E from 'fp-ts/lib/Either.js';
import { iso } from '../common/clock.js';
import type { GraphApiError } from './errors.js';
import { graphError } from './errors.js';
import { isPrivilegedTarget, userRoles } from './roles.js';
import type { EntraUser } from './state.js';

export const DEFAULT_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
];
const SELECTABLE = new Set([
  ...DEFAULT_PROPERTIES,
  'accountEnabled',
  'mailNickname',
  'department',
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
  'passwordProfile',
  'otherMails',
  'imAddresses',
  'onPremisesImmutableId',
  'createdDateTime',
  'signInSessionsValidFromDateTime',
  'lastPasswordChangeDateTime',
  'showInAddressList',
  'ageGroup',
  'faxNumber',
]);

const value = (u: EntraUser, p: string): unknown => {
  switch (p) {
    case 'id':
      return u.id;
    case 'userPrincipalName':
      return u.userPrincipalName;
    case 'createdDateTime':
      return iso(u.createdAt).replace(/\.\d{3}Z$/, 'Z');
    case 'signInSessionsValidFromDateTime':
      return u.signInSessionsValidFrom === null
        ? iso(u.createdAt).replace(/\.\d{3}Z$/, 'Z')
        : iso(u.signInSessionsValidFrom).replace(/\.\d{3}Z$/, 'Z');
    case 'lastPasswordChangeDateTime':
      return u.passwordSetAt === null ? null : iso(u.passwordSetAt).replace(/\.\d{3}Z$/, 'Z');
    case 'passwordProfile':
      return null; // never readable
    case 'businessPhones':
    case 'otherMails':
    case 'imAddresses':
      return u.props[p] ?? [];
    default:
      return u.props[p] ?? null;
  }
};

export const parseSelect = (select: string | undefined): E.Either<GraphApiError, ReadonlyArray<string>> => {
  if (select === undefined || select.trim() === '') return E.right(DEFAULT_PROPERTIES);
  const props = select.split(',').map((p) => p.trim());
  const bad = props.find((p) => !SELECTABLE.has(p));
  return bad === undefined
    ? E.right(props)
    : E.left(graphError(400, 'BadRequest', `Could not find a property named '${bad}' on type 'microsoft.graph.user'.`));
};

export const renderEntraUser = (u: EntraUser, props: ReadonlyArray<string>): Record<string, unknown> =>
  Object.fromEntries(props.map((p) => [p, value(u, p)]));

export interface EntraUserInspection {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly privileged: boolean;
  /** Directory roles the user holds (a privileged `true` without roles counts as Global Administrator). */
  readonly roles: ReadonlyArray<string>;
  readonly passwordScheme: 'scrypt' | null;
  readonly passwordSetAt: string | null;
  readonly forceChangePasswordNextSignIn: boolean;
  /** When refresh tokens were last revoked (every password set, and revokeSignInSessions). */
  readonly refreshTokensRevokedAt: string | null;
  readonly signInSessionsRevokedAt: string | null;
  readonly revocationCount: number;
}

export const inspectEntraUser = (u: EntraUser): EntraUserInspection => ({
  id: u.id,
  userPrincipalName: u.userPrincipalName,
  properties: { ...u.props },
  privileged: isPrivilegedTarget(u),
  roles: userRoles(u),
  passwordScheme: u.password === null ? null : 'scrypt',
  passwordSetAt: u.passwordSetAt === null ? null : iso(u.passwordSetAt),
  forceChangePasswordNextSignIn: u.forceChangePasswordNextSignIn,
  refreshTokensRevokedAt: u.refreshTokensValidFrom === null ? null : iso(u.refreshTokensValidFrom),
  signInSessionsRevokedAt: u.signInSessionsValidFrom === null ? null : iso(u.signInSessionsValidFrom),
  revocationCount: u.revocationCount,
});
