// Graph user operations over the state: create, update (with the password policy and its
// revocation effect), delete, revokeSignInSessions.
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { iso } from '../common/clock.js';
import { scryptVerifier } from '../common/verifier.js';
import type { GraphApiError } from './errors.js';
import { federatedCreateNeedsImmutableId, federatedPassword, graphError, notFound, passwordRejected } from './errors.js';
import { compliesWithEntraPolicy } from './policy.js';
import type { EntraRuntime, GraphCaller } from './runtime.js';
import type { EntraTenant, EntraUser } from './state.js';
import { mayWrite } from './roles.js';
import { appendEntraAudit, findEntraUser, findVisibleEntraUser } from './state.js';
import type { EntraUserChanges } from './userWrite.js';

const domainOf = (upn: string): string => upn.slice(upn.lastIndexOf('@') + 1).toLowerCase();

const checkUpn = (t: EntraTenant, upn: string, self: EntraUser | undefined): E.Either<GraphApiError, void> => {
  if (!upn.includes('@') || !t.domains.has(domainOf(upn))) {
    return E.left(
      graphError(
        400,
        'Request_BadRequest',
        'The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.',
      ),
    );
  }
  const other = findEntraUser(t, upn);
  return other !== undefined && other !== self
    ? E.left(graphError(400, 'Request_BadRequest', 'Another object with the same value for property userPrincipalName already exists.'))
    : E.right(undefined);
};

const checkPassword = (t: EntraTenant, password: string, policies: unknown): E.Either<GraphApiError, void> =>
  compliesWithEntraPolicy(password, {
    disableStrongPassword:
      typeof policies === 'string' &&
      policies
        .split(',')
        .map((p) => p.trim())
        .includes('DisableStrongPassword'),
    banned: [...t.bannedPasswords, t.displayName],
  })
    ? E.right(undefined)
    : E.left(passwordRejected());

/** A password set is a reset in Entra's eyes: refresh tokens and sign-in sessions issued before are revoked. */
const revoke = (u: EntraUser, now: number): void => {
  u.refreshTokensValidFrom = now;
  u.signInSessionsValidFrom = now;
  u.revocationCount += 1;
};

export const createEntraUser = async (
  rt: EntraRuntime,
  c: GraphCaller,
  ch: EntraUserChanges,
): Promise<E.Either<GraphApiError, EntraUser>> => {
  const upn = String(ch.props['userPrincipalName']);
  const t = c.tenant;
  const upnOk = checkUpn(t, upn, undefined);
  if (E.isLeft(upnOk)) return upnOk;
  // "user resource type", onPremisesImmutableId (https://learn.microsoft.com/graph/api/resources/user):
  // it must be given when creating a user whose UPN is in a federated domain. Wording unconfirmed (errors.ts).
  if (t.domainAuthentication.get(domainOf(upn)) === 'Federated' && typeof ch.props['onPremisesImmutableId'] !== 'string')
    return E.left(federatedCreateNeedsImmutableId());
  const password = ch.passwordProfile?.password ?? '';
  const pw = checkPassword(t, password, ch.props['passwordPolicies']);
  if (E.isLeft(pw)) return pw;
  const verifier = await scryptVerifier(password, rt.scrypt);
  const again = checkUpn(t, upn, undefined);
  if (E.isLeft(again)) return again;
  const now = rt.clock.now();
  const { userPrincipalName: _u, ...props } = ch.props;
  const u: EntraUser = {
    id: randomUUID(),
    userPrincipalName: upn,
    props,
    privileged: false,
    roles: [],
    password: verifier,
    passwordSetAt: now,
    forceChangePasswordNextSignIn: ch.passwordProfile?.forceChangePasswordNextSignIn ?? true,
    refreshTokensValidFrom: null,
    signInSessionsValidFrom: null,
    revocationCount: 0,
    createdAt: now,
    visibleFrom: now + rt.propagationDelayMs,
  };
  t.users.set(u.id, u);
  appendEntraAudit(rt.state, {
    activityDateTime: iso(now),
    activityDisplayName: 'Add user',
    initiatedByApp: c.token.appId,
    targetUserPrincipalName: upn,
    tenantId: t.id,
  });
  return E.right(u);
};

export const updateEntraUser = async (
  rt: EntraRuntime,
  c: GraphCaller,
  key: string,
  ch: EntraUserChanges,
): Promise<E.Either<GraphApiError, EntraUser>> => {
  const t = c.tenant;
  const found = findVisibleEntraUser(t, key, rt.clock.now());
  if (found === undefined) return E.left(notFound(key));
  const password = ch.passwordProfile?.password;
  const allowed = mayWrite(t.apps.get(c.token.appId), found, { password: password !== undefined, properties: Object.keys(ch.props) });
  if (E.isLeft(allowed)) return allowed;
  // A federated domain's users sign in at the federation provider, which keeps their password.
  if (password !== undefined && t.domainAuthentication.get(domainOf(found.userPrincipalName)) === 'Federated')
    return E.left(federatedPassword());
  const newUpn = ch.props['userPrincipalName'];
  if (typeof newUpn === 'string') {
    const ok = checkUpn(t, newUpn, found);
    if (E.isLeft(ok)) return ok;
  }
  if (password !== undefined) {
    const policies = 'passwordPolicies' in ch.props ? ch.props['passwordPolicies'] : found.props['passwordPolicies'];
    const pw = checkPassword(t, password, policies);
    if (E.isLeft(pw)) return pw;
  }
  const verifier = password === undefined ? undefined : await scryptVerifier(password, rt.scrypt);
  const u = t.users.get(found.id);
  if (u === undefined) return E.left(notFound(key));
  const now = rt.clock.now();
  const { userPrincipalName: _u, ...props } = ch.props;
  if (typeof newUpn === 'string') u.userPrincipalName = newUpn;
  for (const [k, v] of Object.entries(props)) {
    if (v === null) delete u.props[k];
    else u.props[k] = v;
  }
  if (ch.passwordProfile?.forceChangePasswordNextSignIn !== undefined)
    u.forceChangePasswordNextSignIn = ch.passwordProfile.forceChangePasswordNextSignIn;
  if (verifier !== undefined) {
    u.password = verifier;
    u.passwordSetAt = now;
    revoke(u, now);
    appendEntraAudit(rt.state, {
      activityDateTime: iso(now),
      activityDisplayName: 'Reset user password',
      initiatedByApp: c.token.appId,
      targetUserPrincipalName: u.userPrincipalName,
      tenantId: t.id,
    });
  }
  if (Object.keys(ch.props).length > 0) {
    appendEntraAudit(rt.state, {
      activityDateTime: iso(now),
      activityDisplayName: 'Update user',
      initiatedByApp: c.token.appId,
      targetUserPrincipalName: u.userPrincipalName,
      tenantId: t.id,
    });
  }
  return E.right(u);
};

export const deleteEntraUser = (rt: EntraRuntime, c: GraphCaller, key: string): E.Either<GraphApiError, void> => {
  const u = findVisibleEntraUser(c.tenant, key, rt.clock.now());
  if (u === undefined) return E.left(notFound(key));
  c.tenant.users.delete(u.id);
  appendEntraAudit(rt.state, {
    activityDateTime: iso(rt.clock.now()),
    activityDisplayName: 'Delete user',
    initiatedByApp: c.token.appId,
    targetUserPrincipalName: u.userPrincipalName,
    tenantId: c.tenant.id,
  });
  return E.right(undefined);
};

export const revokeSessions = (rt: EntraRuntime, c: GraphCaller, key: string): E.Either<GraphApiError, void> => {
  const u = findVisibleEntraUser(c.tenant, key, rt.clock.now());
  if (u === undefined) return E.left(notFound(key));
  const now = rt.clock.now();
  revoke(u, now);
  appendEntraAudit(rt.state, {
    activityDateTime: iso(now),
    activityDisplayName: 'Revoke sign-in sessions',
    initiatedByApp: c.token.appId,
    targetUserPrincipalName: u.userPrincipalName,
    tenantId: c.tenant.id,
  });
  return E.right(undefined);
};

/**
 * The user changes their own password (self-service, as `POST /me/changePassword` does, or the
 * "change password" page of their account): a new verifier, `lastPasswordChangeDateTime` moves,
 * sessions end as on any set, and the audit records `Change user password` by the user. The
 * tenant's password policy applies. For tests and the demo (the emulator has no user sign-in).
 */
export const changePasswordAsUser = async (
  rt: EntraRuntime,
  t: EntraTenant,
  key: string,
  password: string,
): Promise<E.Either<GraphApiError, EntraUser>> => {
  const u = findVisibleEntraUser(t, key, rt.clock.now());
  if (u === undefined) return E.left(notFound(key));
  const pw = checkPassword(t, password, u.props['passwordPolicies']);
  if (E.isLeft(pw)) return pw;
  const verifier = await scryptVerifier(password, rt.scrypt);
  const now = rt.clock.now();
  u.password = verifier;
  u.passwordSetAt = now;
  revoke(u, now);
  appendEntraAudit(rt.state, {
    activityDateTime: iso(now),
    activityDisplayName: 'Change user password',
    initiatedByApp: '',
    initiatedByUser: u.userPrincipalName,
    targetUserPrincipalName: u.userPrincipalName,
    tenantId: t.id,
  });
  return E.right(u);
};
