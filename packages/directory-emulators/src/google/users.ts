// users.insert / get / list / update / patch / delete / signOut over the emulator's state.
import * as E from 'fp-ts/lib/Either.js';
import type { GoogleApiError } from './errors.js';
import { creationIncomplete, googleError } from './errors.js';
import { checkPassword, toVerifier } from './password.js';
import type { GoogleRuntime } from './runtime.js';
import type { GoogleUser } from './state.js';
import { appendAudit, domainOf, findUser, newEtag, newUserId } from './state.js';
import type { UserChanges } from './userWrite.js';
import { iso } from '../common/clock.js';

const notFound = (): GoogleApiError => googleError('notFound');

/** Still being created (see `GoogleUser.readyAt`): reads do not find it yet. */
export const stillCreating = (rt: GoogleRuntime, u: GoogleUser): boolean => u.readyAt > rt.clock.now();

/** A user a read may see: none while its creation is still propagating (404 notFound). */
export const readableUser = (rt: GoogleRuntime, key: string): GoogleUser | undefined => {
  const u = findUser(rt.state, key);
  return u === undefined || stillCreating(rt, u) ? undefined : u;
};

/** A user a mutate call may change: 404 when unknown, 412 "User creation is not complete." while propagating. */
const mutableUser = (rt: GoogleRuntime, key: string): E.Either<GoogleApiError, GoogleUser> => {
  const u = findUser(rt.state, key);
  if (u === undefined) return E.left(notFound());
  return stillCreating(rt, u) ? E.left(creationIncomplete()) : E.right(u);
};

const checkEmail = (rt: GoogleRuntime, email: string, self: GoogleUser | undefined): E.Either<GoogleApiError, string> => {
  if (!rt.state.domains.has(domainOf(email))) return E.left(googleError('forbidden'));
  const other = findUser(rt.state, email);
  return other !== undefined && other !== self ? E.left(googleError('duplicate')) : E.right(email);
};

const recordPasswordChange = (rt: GoogleRuntime, u: GoogleUser, actor: string, now: number): void => {
  u.passwordSetAt = now;
  // Sessions stay open: Google's admin help (Reset a user's password, support.google.com/a/answer/33319)
  // says to reset the user's sign-in cookies as a separate step; that is users.signOut.
  appendAudit(rt.state, {
    time: iso(now),
    eventName: 'CHANGE_PASSWORD',
    actorEmail: actor,
    userEmail: u.primaryEmail,
    description: `Password changed for ${u.primaryEmail}`,
  });
};

export const insertUser = async (rt: GoogleRuntime, c: UserChanges, actor: string): Promise<E.Either<GoogleApiError, GoogleUser>> => {
  const email = checkEmail(rt, c.primaryEmail ?? '', undefined);
  if (E.isLeft(email)) return email;
  const now = rt.clock.now();
  const u: GoogleUser = {
    id: newUserId(),
    primaryEmail: email.right,
    aliases: [],
    givenName: c.givenName ?? '',
    familyName: c.familyName ?? '',
    isAdmin: false,
    suspended: c.booleans.suspended ?? false,
    archived: c.booleans.archived ?? false,
    changePasswordAtNextLogin: c.booleans.changePasswordAtNextLogin ?? false,
    includeInGlobalAddressList: c.booleans.includeInGlobalAddressList ?? true,
    ipWhitelisted: c.booleans.ipWhitelisted ?? false,
    orgUnitPath: c.orgUnitPath ?? '/',
    extra: Object.fromEntries(Object.entries(c.extra).filter(([, v]) => v !== null)),
    password: c.password === undefined ? null : await toVerifier(c.password, rt.scrypt),
    passwordSetAt: c.password === undefined ? null : now,
    signOutCount: 0,
    lastSignOutAt: null,
    activeSessions: 0,
    creationTime: now,
    readyAt: now + rt.propagationDelayMs,
    etag: newEtag(),
  };
  // Re-check after the await: another request may have taken the address meanwhile.
  const again = checkEmail(rt, u.primaryEmail, undefined);
  if (E.isLeft(again)) return again;
  rt.state.users.set(u.id, u);
  appendAudit(rt.state, {
    time: iso(now),
    eventName: 'CREATE_USER',
    actorEmail: actor,
    userEmail: u.primaryEmail,
    description: `User ${u.primaryEmail} created`,
  });
  return E.right(u);
};

export const updateUser = async (
  rt: GoogleRuntime,
  key: string,
  c: UserChanges,
  actor: string,
): Promise<E.Either<GoogleApiError, GoogleUser>> => {
  const target = mutableUser(rt, key);
  if (E.isLeft(target)) return target;
  const found = target.right;
  if (c.primaryEmail !== undefined) {
    const ok = checkEmail(rt, c.primaryEmail, found);
    if (E.isLeft(ok)) return ok;
  }
  const verifier = c.password === undefined ? undefined : await toVerifier(c.password, rt.scrypt);
  const u = findUser(rt.state, found.id);
  if (u === undefined) return E.left(notFound());
  if (c.primaryEmail !== undefined && c.primaryEmail.toLowerCase() !== u.primaryEmail.toLowerCase()) {
    // Google keeps the old address as an alias when the primary email changes.
    u.aliases.push(u.primaryEmail);
    u.primaryEmail = c.primaryEmail;
  }
  if (c.givenName !== undefined) u.givenName = c.givenName;
  if (c.familyName !== undefined) u.familyName = c.familyName;
  if (c.orgUnitPath !== undefined) u.orgUnitPath = c.orgUnitPath;
  Object.assign(u, c.booleans);
  for (const [k, v] of Object.entries(c.extra)) {
    if (v === null) delete u.extra[k];
    else u.extra[k] = v;
  }
  if (verifier !== undefined) {
    u.password = verifier;
    recordPasswordChange(rt, u, actor, rt.clock.now());
  }
  u.etag = newEtag();
  return E.right(u);
};

export const deleteUser = (rt: GoogleRuntime, key: string, actor: string): E.Either<GoogleApiError, void> => {
  const target = mutableUser(rt, key);
  if (E.isLeft(target)) return target;
  const u = target.right;
  rt.state.users.delete(u.id);
  appendAudit(rt.state, {
    time: iso(rt.clock.now()),
    eventName: 'DELETE_USER',
    actorEmail: actor,
    userEmail: u.primaryEmail,
    description: `User ${u.primaryEmail} deleted`,
  });
  return E.right(undefined);
};

export const signOutUser = (rt: GoogleRuntime, key: string, actor: string): E.Either<GoogleApiError, void> => {
  const target = mutableUser(rt, key);
  if (E.isLeft(target)) return target;
  const u = target.right;
  const now = rt.clock.now();
  u.signOutCount += 1;
  u.lastSignOutAt = now;
  u.activeSessions = 0;
  appendAudit(rt.state, {
    time: iso(now),
    eventName: 'USER_SIGN_OUT',
    actorEmail: actor,
    userEmail: u.primaryEmail,
    description: `User ${u.primaryEmail} signed out of all sessions`,
  });
  return E.right(undefined);
};

/**
 * The user changes their own password (their Google Account's "Password" page), outside the Admin
 * SDK: a new verifier, sessions untouched, and a `user_accounts` activity `password_change` /
 * `password_edit` with the user as actor (not an admin CHANGE_PASSWORD). Google's rules apply. For
 * tests and the demo (the emulator has no user sign-in).
 */
export const changePasswordAsUser = async (
  rt: GoogleRuntime,
  key: string,
  password: string,
): Promise<E.Either<GoogleApiError, GoogleUser>> => {
  const u = readableUser(rt, key);
  if (u === undefined) return E.left(googleError('notFound'));
  const input = checkPassword(password, undefined);
  if (E.isLeft(input)) return input;
  u.password = await toVerifier(input.right, rt.scrypt);
  const now = rt.clock.now();
  u.passwordSetAt = now;
  appendAudit(rt.state, {
    time: iso(now),
    eventName: 'password_edit',
    application: 'user_accounts',
    actorEmail: u.primaryEmail,
    userEmail: u.primaryEmail,
    description: `${u.primaryEmail} changed their password`,
  });
  return E.right(u);
};
