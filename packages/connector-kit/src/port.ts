import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import * as t from 'io-ts';
import type { Secret } from '@takeover/core';
import type { DirectoryAttributeName, DirectoryAttributes, NewAccountAttributes } from './attributes.js';
import type { ConnectorError } from './errors.js';

/** The directory's own id for an account (Google's id or primary email, Entra's object id, SCIM's `id`). */
export interface ExternalUserIdBrand {
  readonly ExternalUserId: unique symbol;
}
export const ExternalUserId = t.brand(t.string, (s): s is t.Branded<string, ExternalUserIdBrand> => s.length > 0, 'ExternalUserId');
export type ExternalUserId = t.TypeOf<typeof ExternalUserId>;
/** For trusted input (tests, a provider response already decoded). Throws on '' (a programmer bug). */
export const externalUserId = (s: string): ExternalUserId => {
  if (!ExternalUserId.is(s)) throw new TypeError('externalUserId: expected a non-empty string');
  return s;
};

export interface DirectoryDescription {
  /** The connector kind: `google-workspace`, `microsoft-entra`, `scim`, … */
  readonly kind: string;
  readonly displayName: string;
  /** The primary domain (Google), the tenant's default domain (Entra), the service's host (SCIM). */
  readonly domain: string;
  /** Entra's tenant id, where there is one. */
  readonly tenant?: string;
}

/** Hash formats a directory may take instead of a plaintext (Google: `MD5`, `SHA-1` hex; `crypt`). */
export type HashFunction = 'MD5' | 'SHA-1' | 'crypt' | 'bcrypt';

export interface HashedPassword {
  readonly _tag: 'HashedPassword';
  readonly hashFunction: HashFunction;
  /** The hash, itself kept as a Secret: a leaked hash is a crackable password. */
  readonly hash: Secret;
}
export const hashedPassword = (hashFunction: HashFunction, hash: Secret): HashedPassword => ({
  _tag: 'HashedPassword',
  hashFunction,
  hash,
});

/** What a connector can do, declared up front so the engine and the portal can plan around it. */
export interface ConnectorCapabilities {
  /** It can end the user's sessions on request (Google signOut, Entra revokeSignInSessions). */
  readonly revokeSessions: boolean;
  /**
   * Setting a password ends the user's sessions there by itself (Entra: every set is a reset that
   * revokes refresh tokens). Google's does not: its sessions survive until `signOut`.
   */
  readonly passwordSetEndsSessions: boolean;
  /**
   * What the engine does when a password push's outcome is unknown (a timeout, a dropped
   * connection: the directory may have applied it). `ask`: read `lastPasswordChange` first and send
   * again only if the set did not land (sending twice would be a second reset). `resend`: sending the
   * same password again has no effect a user notices there; the connector's README says why.
   */
  readonly ambiguousPasswordSet: AmbiguityResolution;
  /** It can create a missing account in `resolve`. */
  readonly createUsers: boolean;
  /** The hash formats `push` takes; empty when only a plaintext will do. */
  readonly hashFunctions: ReadonlyArray<HashFunction>;
  /** The attributes it writes; others in a push are ignored. */
  readonly attributes: ReadonlyArray<DirectoryAttributeName>;
  /** Whether and how it notices a password changed in the directory outside Takeover (R16). */
  readonly externalChanges: ExternalChangeDetection;
}

/**
 * How a connector notices a password changed in the directory by someone else (the user there, an
 * admin in the directory's own console): R16. A connector that cannot (SCIM: no such field, no
 * audit feed) declares both false, and the engine never asks it.
 */
export interface ExternalChangeDetection {
  /** `externalPasswordChange(id)` answers for one account: read at the user's portal login. */
  readonly atLogin: boolean;
  /** `passwordChangesSince(cursor)` lists changes across the directory: read by the engine's periodic sweep. */
  readonly sweep: boolean;
}

/**
 * A password change the directory reports. `changedAt` is the directory's own time of the change,
 * never the time it was read; `by` who made it, when the directory says (an email, an object id).
 */
export interface PasswordChange {
  readonly externalId: ExternalUserId;
  readonly changedAt: Date;
  readonly by?: string;
}

/**
 * One page of a sweep: the changes it holds, the (opaque) cursor to give next, and whether the
 * round goes on (`more`: call again now with `cursor`; otherwise the cursor is where the next
 * sweep starts). One page is one provider request, so each goes through the directory's pacer.
 */
export interface PasswordChangePage {
  readonly changes: ReadonlyArray<PasswordChange>;
  readonly cursor: string;
  readonly more: boolean;
  /** Accounts the directory reports as deleted since the cursor (Entra delta's `@removed`), when it says. */
  readonly removed?: ReadonlyArray<RemovedAccount>;
}

/**
 * An account a sweep reports as gone (Graph delta's `@removed` on a user: deleted). There is no
 * password to set back there; the engine counts it for the sweep's report and the log, and the
 * user's next push finds the account missing and resolves it as any missing account.
 */
export interface RemovedAccount {
  readonly externalId: ExternalUserId;
  /** `true`: deleted for good (Graph's `reason: "deleted"`); `false`: restorable for 30 days (`"changed"`). */
  readonly permanently: boolean;
}

export interface ResolveRequest {
  /** The key an admin gave. When present it alone decides: an unknown key is `not-found`, never a guess by email. */
  readonly externalKey?: ExternalUserId;
  /** Matched against the directory's sign-in address when no key is given. */
  readonly primaryEmail: string;
  /** Present when the directory's policy allows creating a missing account: the new account's profile. */
  readonly create?: NewAccountAttributes;
}

export interface Resolution {
  readonly externalId: ExternalUserId;
  readonly how: 'by-key' | 'by-email' | 'created';
}

export interface PushRequest {
  readonly externalId: ExternalUserId;
  /** Only the fields that changed. */
  readonly attributes?: DirectoryAttributes;
  /** Absent: the password is left as it is. */
  readonly password?: Secret | HashedPassword;
  /** End the user's sessions after the change. */
  readonly revokeSessions?: boolean;
}

export type SessionOutcome = 'not-requested' | 'revoked' | 'unsupported';

export interface PushOutcome {
  readonly passwordSet: boolean;
  /** `unsupported` when asked and `capabilities.revokeSessions` is false: the push itself succeeded. */
  readonly sessions: SessionOutcome;
  /**
   * The user's sessions there were really ended by this push: a revocation that succeeded, or a
   * password set that ends them by itself (`capabilities.passwordSetEndsSessions`). What the portal
   * and the console tell the user; never `true` on a guess.
   */
  readonly sessionsEnded: boolean;
}

/** See `ConnectorCapabilities.ambiguousPasswordSet`. */
export type AmbiguityResolution = 'ask' | 'resend';

/**
 * One read-only check of what the connector needs in the directory: its credentials, API access,
 * a permission or scope, a directory role, the domain, quota headroom. `unknown`: the connector
 * could not tell (it lacks the right to look): `detail` says what to grant so it can.
 */
export interface AccessCheck {
  readonly area: 'credentials' | 'api' | 'permission' | 'role' | 'domain' | 'quota';
  /** What was checked, in the provider's words: `User Administrator (directory role)`, `https://www.googleapis.com/auth/admin.directory.user`. */
  readonly name: string;
  readonly status: 'ok' | 'missing' | 'unknown';
  readonly detail: string;
  /** What an admin does to fix it, when it is not `ok`. */
  readonly fix?: string;
}

/**
 * One rule a password breaks. `rule` names it (core's policy functions use `too-short`, `too-long`,
 * `not-plain-ascii`, `too-few-character-classes`, `banned`, …, and their results fit here as they
 * are); `message` is the provider's text when the check asked the directory.
 */
export interface PolicyViolation {
  readonly rule: string;
  readonly message?: string;
}

/**
 * A directory, seen from the engine. Every method returns a TaskEither that never rejects: each
 * failure is a `ConnectorError`. Each call makes one attempt; the engine owns retries and pacing.
 */
export interface DirectoryConnector {
  readonly kind: string;
  readonly capabilities: ConnectorCapabilities;
  /** Names the directory, with one authenticated call (so it doubles as "test the connection"). */
  readonly describe: () => TaskEither<ConnectorError, DirectoryDescription>;
  /** By key, else by primary email, else (when `create` is given and the connector can) a new account with an unknowable password. */
  readonly resolve: (request: ResolveRequest) => TaskEither<ConnectorError, Resolution>;
  readonly suspend: (externalId: ExternalUserId) => TaskEither<ConnectorError, void>;
  readonly reactivate: (externalId: ExternalUserId) => TaskEither<ConnectorError, void>;
  /**
   * Attributes, and/or the password, and optionally ending sessions, for one external user. If ending
   * sessions fails after the password was set, the push fails: repeating it is safe.
   */
  readonly push: (request: PushRequest) => TaskEither<ConnectorError, PushOutcome>;
  /** The rules of the directory's policy this password breaks; empty when it would be accepted. */
  readonly checkPassword: (password: Secret) => TaskEither<ConnectorError, ReadonlyArray<PolicyViolation>>;
  /**
   * When the account's password last changed, by anyone, as the directory records it (Entra's
   * `lastPasswordChangeDateTime`); `null` when it has no record. Required when
   * `capabilities.ambiguousPasswordSet` is `ask`.
   */
  readonly lastPasswordChange?: (externalId: ExternalUserId) => TaskEither<ConnectorError, Date | null>;
  /** The grain of `lastPasswordChange`'s times, in ms (Graph stamps whole seconds: 1000). Default 1. */
  readonly passwordChangePrecisionMs?: number;
  /**
   * R16, at login: the latest password change of this account that may not be ours, `null` when the
   * directory knows of none. A connector that can tell who acted (Google's audit names the actor)
   * leaves out the changes its own account made; one that cannot (Entra's
   * `lastPasswordChangeDateTime`) returns the latest change by anyone, and the engine leaves out
   * those not later than its own last push. Required when `capabilities.externalChanges.atLogin`.
   */
  readonly externalPasswordChange?: (externalId: ExternalUserId) => TaskEither<ConnectorError, PasswordChange | null>;
  /**
   * R16, in a sweep: one page of the password changes across the directory since `cursor` (`null`:
   * the first sweep, which may report changes from before it), with the same rule on our own
   * changes as `externalPasswordChange`, and the cursor to continue from (`more` while the round
   * goes on). A change may be reported again (a sweep that overlaps a lagging feed): the engine
   * records each once. Required when `capabilities.externalChanges.sweep`.
   */
  readonly passwordChangesSince?: (cursor: string | null) => TaskEither<ConnectorError, PasswordChangePage>;
  /**
   * Checks, without changing anything, that the connector can do its job: credentials, API access,
   * permissions or scopes, roles, domain, quota headroom. The engine runs it when pushes are
   * refused (`forbidden`) to tell a directory-wide problem from one user's; operators run it as
   * `takeover-doctor`. A Left only when the directory could not be asked at all.
   */
  readonly diagnose: () => TaskEither<ConnectorError, ReadonlyArray<AccessCheck>>;
}
