// Directory roles, and who may write what on whom, as Microsoft documents it:
// - "Microsoft Entra built-in roles" (https://learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference):
//   the roles and their template ids; User Administrator, Helpdesk Administrator, Password
//   Administrator and Authentication Administrator reset passwords of non-administrators;
//   Privileged Authentication Administrator and Global Administrator reset anyone's.
// - "Who can perform sensitive actions" (https://learn.microsoft.com/graph/api/resources/users#who-can-perform-sensitive-actions):
//   accountEnabled, businessPhones, mobilePhone, otherMails and passwordProfile of a user holding an
//   admin role can only be changed by a more privileged administrator; in app-only calls the app's
//   service principal must hold that role, the application permission alone is not enough.
// - "Update user" (https://learn.microsoft.com/graph/api/user-update): to update passwordProfile
//   app-only, the app needs User-PasswordProfile.ReadWrite.All (or User.ReadWrite.All) and a
//   directory role allowing the reset.
// Simplification (documented in docs/directories/microsoft-entra.md): any role on the target makes it
// privileged (Microsoft lets User/Helpdesk Administrators reset a few lesser admin roles).
import * as E from 'fp-ts/lib/Either.js';
import type { GraphApiError } from './errors.js';
import { forbidden } from './errors.js';
import type { EntraApp, EntraUser } from './state.js';

export const ROLE_TEMPLATE_IDS: Readonly<Record<string, string>> = {
  'Global Administrator': '62e90394-69f5-4237-9190-012177145e10',
  'Privileged Authentication Administrator': '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
  'User Administrator': 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  'Helpdesk Administrator': '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  'Password Administrator': '966707d0-3269-4727-9be2-8c3a10f19b9d',
  'Authentication Administrator': 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
  'Global Reader': 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
};

/** A role's template id (a stable made-up id for a name Microsoft does not define: a custom role). */
export const roleTemplateId = (name: string): string =>
  ROLE_TEMPLATE_IDS[name] ?? `custom-${Buffer.from(name).toString('hex').slice(0, 24)}`;

export const RESETS_NON_ADMINS: ReadonlyArray<string> = [
  'User Administrator',
  'Helpdesk Administrator',
  'Password Administrator',
  'Authentication Administrator',
  'Privileged Authentication Administrator',
  'Global Administrator',
];
export const RESETS_ADMINS: ReadonlyArray<string> = ['Privileged Authentication Administrator', 'Global Administrator'];
export const SENSITIVE_PROPERTIES: ReadonlyArray<string> = ['accountEnabled', 'mobilePhone', 'businessPhones', 'otherMails'];

/** What a seed that names no roles for its app gets: what a correctly configured takeover app holds. */
export const DEFAULT_APP_ROLES: ReadonlyArray<string> = ['User Administrator'];

export const userRoles = (u: EntraUser): ReadonlyArray<string> =>
  u.privileged && u.roles.length === 0 ? ['Global Administrator'] : u.roles;
export const isPrivilegedTarget = (u: EntraUser): boolean => userRoles(u).length > 0;

/**
 * Whether the app may make this change to this user, beyond its permissions: a password needs a
 * reset role (a more privileged one for an admin target); sensitive properties of an admin target
 * need the privileged role too. Graph answers both with the same 403.
 */
export const mayWrite = (
  app: EntraApp | undefined,
  target: EntraUser,
  change: { readonly password: boolean; readonly properties: ReadonlyArray<string> },
): E.Either<GraphApiError, void> => {
  const held = app?.directoryRoles ?? [];
  const privileged = isPrivilegedTarget(target);
  const needed = privileged ? RESETS_ADMINS : RESETS_NON_ADMINS;
  if (change.password && !held.some((r) => needed.includes(r))) return E.left(forbidden());
  if (privileged && change.properties.some((p) => SENSITIVE_PROPERTIES.includes(p)) && !held.some((r) => RESETS_ADMINS.includes(r)))
    return E.left(forbidden());
  return E.right(undefined);
};
