import type { CommandId, DirectoryId, ExternalUserKey, NoticeId, UserId } from '../ids.js';
import type { Secret } from '../secret.js';
import type { IsoTime } from '../time.js';
import type { Actor, AttributeName, UserAttributes } from './attributes.js';
import type { LinkMethod, NoticeKind, PasswordSource, UnresolvedReason } from './events.js';
import type { PushDescription, PushFailure } from './push.js';
import type { AccountActionDescription } from './accountAction.js';

/**
 * Every command names its user, carries the time (`at`) and an id: the events it decides get ids
 * derived from `commandId`, so a retried command appends the same ids (the store deduplicates).
 * `correlationId` (optional) is copied into the events' metadata, e.g. the login whose plaintext
 * carried a push, for the audit log and "why was this pushed".
 */
export interface UserCommandBase {
  readonly commandId: CommandId;
  readonly userId: UserId;
  readonly at: IsoTime;
  readonly correlationId?: string;
}

/** Create a user, staged or active, optionally with a first password (set by `passwordSetBy`, default admin). */
export interface CreateUser extends UserCommandBase {
  readonly type: 'CreateUser';
  readonly state: 'staged' | 'active';
  readonly attributes: UserAttributes;
  readonly by: Actor;
  readonly password?: Secret;
  readonly passwordSetBy?: PasswordSource;
}

export interface ActivateUser extends UserCommandBase {
  readonly type: 'ActivateUser';
  readonly by: Actor;
}
export interface SuspendUser extends UserCommandBase {
  readonly type: 'SuspendUser';
  readonly by: Actor;
}
export interface StageUser extends UserCommandBase {
  readonly type: 'StageUser';
  readonly by: Actor;
}

/** Bind to a directory. With `externalKey`, the account is linked at once; without, the engine resolves it. */
export interface BindDirectory extends UserCommandBase {
  readonly type: 'BindDirectory';
  readonly directoryId: DirectoryId;
  readonly externalKey?: ExternalUserKey;
  readonly origin?: 'admin' | 'import';
  /** Imports only, with `externalKey`: the previous system completed the takeover and the directory is up to date. */
  readonly alreadyInSync?: boolean;
  readonly by: Actor;
}

export interface UnbindDirectory extends UserCommandBase {
  readonly type: 'UnbindDirectory';
  readonly directoryId: DirectoryId;
  readonly by: Actor;
}

/** The engine found (or created) the external account. */
export interface LinkExternalAccount extends UserCommandBase {
  readonly type: 'LinkExternalAccount';
  readonly directoryId: DirectoryId;
  readonly externalKey: ExternalUserKey;
  readonly how: LinkMethod;
}

export interface MarkExternalAccountUnresolved extends UserCommandBase {
  readonly type: 'MarkExternalAccountUnresolved';
  readonly directoryId: DirectoryId;
  /** A code; `detail` says it in words. */
  readonly reason: UnresolvedReason;
  readonly detail: string;
}

/** `null` clears an optional field. */
export interface ChangeAttributes extends UserCommandBase {
  readonly type: 'ChangeAttributes';
  readonly changes: Readonly<Partial<Record<AttributeName, string | null>>>;
  readonly by: Actor;
}

/**
 * Who sets a password, in the `{ role }` shape of every command's `by`: an admin, or the user herself,
 * `via` the activation link of the welcome mail or a change in the portal. The `PasswordSet` event
 * records it as a `PasswordSource` (`'admin'`, `'user-activation'`, `'user-portal'`): `passwordSourceOf`.
 */
export type PasswordSetter =
  { readonly role: 'admin'; readonly id?: string } | { readonly role: 'user'; readonly id?: string; readonly via: 'activation' | 'portal' };

export interface SetPassword extends UserCommandBase {
  readonly type: 'SetPassword';
  readonly password: Secret;
  readonly by: PasswordSetter;
}
export interface ExpirePassword extends UserCommandBase {
  readonly type: 'ExpirePassword';
  readonly by: Actor;
}

/** The portal verified the password; `password` is the plaintext the pushes this login carries will use. */
export interface LogIn extends UserCommandBase {
  readonly type: 'LogIn';
  readonly password: Secret;
}

/** `instance`: which engine instance takes the lease. */
export interface RecordPushStarted extends UserCommandBase {
  readonly type: 'RecordPushStarted';
  readonly push: PushDescription;
  readonly instance?: string;
}
/** `sessionsEnded`: what the connector reported (`PushOutcome.sessionsEnded`). */
export interface RecordPushSucceeded extends UserCommandBase {
  readonly type: 'RecordPushSucceeded';
  readonly push: PushDescription;
  readonly sessionsEnded?: boolean;
}
export interface RecordPushFailed extends UserCommandBase {
  readonly type: 'RecordPushFailed';
  readonly push: PushDescription;
  readonly failure: PushFailure;
}

export interface RecordAccountActionSucceeded extends UserCommandBase {
  readonly type: 'RecordAccountActionSucceeded';
  readonly action: AccountActionDescription;
}
export interface RecordAccountActionFailed extends UserCommandBase {
  readonly type: 'RecordAccountActionFailed';
  readonly action: AccountActionDescription;
  readonly failure: PushFailure;
}

/** The engine read from the directory that the password there changed at `changedAt`, by `by` when it says (R16). */
export interface RecordExternalPasswordChange extends UserCommandBase {
  readonly type: 'RecordExternalPasswordChange';
  readonly directoryId: DirectoryId;
  readonly changedAt: IsoTime;
  readonly source: 'login-check' | 'sweep';
  readonly by?: string;
}

export interface RecordNoticeSent extends UserCommandBase {
  readonly type: 'RecordNoticeSent';
  readonly noticeId: NoticeId;
  readonly kind: NoticeKind;
  readonly directoryId?: DirectoryId;
}

export type UserCommand =
  | CreateUser
  | ActivateUser
  | SuspendUser
  | StageUser
  | BindDirectory
  | UnbindDirectory
  | LinkExternalAccount
  | MarkExternalAccountUnresolved
  | ChangeAttributes
  | SetPassword
  | ExpirePassword
  | LogIn
  | RecordPushStarted
  | RecordPushSucceeded
  | RecordPushFailed
  | RecordNoticeSent
  | RecordAccountActionSucceeded
  | RecordAccountActionFailed
  | RecordExternalPasswordChange;
