import type { CommandId, DirectoryId, ExternalUserKey, NoticeId, UserId } from '../ids.js';
import type { Secret } from '../Secret.js';
import type { IsoTime } from '../time.js';
import type { Actor, AttributeName, UserAttributes } from './Attributes.js';
import type { LinkMethod, NoticeKind, PasswordSource } from './Events.js';
import type { PushDescription, PushFailure } from './Push.js';
import type { AccountActionDescription } from './AccountAction.js';

/**
 * Every command names its user, carries the time (`at`) and an id: the events it decides get ids
 * derived from `commandId`, so a retried command appends the same ids (the store deduplicates).
 * `correlationId` (optional) is copied into the events' metadata, e.g. the login whose plaintext
 * carried a push, for the audit log and "why was this pushed".
 */
interface Base {
  readonly commandId: CommandId;
  readonly userId: UserId;
  readonly at: IsoTime;
  readonly correlationId?: string;
}

/** Create a user, staged or active, optionally with a first password (set by `passwordSetBy`, default admin). */
export interface CreateUser extends Base {
  readonly type: 'CreateUser';
  readonly state: 'staged' | 'active';
  readonly attributes: UserAttributes;
  readonly by: Actor;
  readonly password?: Secret;
  readonly passwordSetBy?: PasswordSource;
}

export interface ActivateUser extends Base {
  readonly type: 'ActivateUser';
  readonly by: Actor;
}
export interface SuspendUser extends Base {
  readonly type: 'SuspendUser';
  readonly by: Actor;
}
export interface StageUser extends Base {
  readonly type: 'StageUser';
  readonly by: Actor;
}

/** Bind to a directory. With `externalKey`, the account is linked at once; without, the engine resolves it. */
export interface BindDirectory extends Base {
  readonly type: 'BindDirectory';
  readonly directoryId: DirectoryId;
  readonly externalKey?: ExternalUserKey;
  readonly origin?: 'admin' | 'import';
  /** Imports only, with `externalKey`: the previous system completed the takeover and the directory is up to date. */
  readonly alreadyInSync?: boolean;
  readonly by: Actor;
}

export interface UnbindDirectory extends Base {
  readonly type: 'UnbindDirectory';
  readonly directoryId: DirectoryId;
  readonly by: Actor;
}

/** The engine found (or created) the external account. */
export interface LinkExternalAccount extends Base {
  readonly type: 'LinkExternalAccount';
  readonly directoryId: DirectoryId;
  readonly externalKey: ExternalUserKey;
  readonly how: LinkMethod;
}

export interface MarkExternalAccountUnresolved extends Base {
  readonly type: 'MarkExternalAccountUnresolved';
  readonly directoryId: DirectoryId;
  readonly reason: string;
  readonly detail: string;
}

/** `null` clears an optional field. */
export interface ChangeAttributes extends Base {
  readonly type: 'ChangeAttributes';
  readonly changes: Readonly<Partial<Record<AttributeName, string | null>>>;
  readonly by: Actor;
}

export interface SetPassword extends Base {
  readonly type: 'SetPassword';
  readonly password: Secret;
  readonly by: PasswordSource;
}
export interface ExpirePassword extends Base {
  readonly type: 'ExpirePassword';
  readonly by: Actor;
}

/** The portal verified the password; `password` is the plaintext the pushes this login carries will use. */
export interface LogIn extends Base {
  readonly type: 'LogIn';
  readonly password: Secret;
}

/** `instance`: which engine instance takes the lease. */
export interface RecordPushStarted extends Base {
  readonly type: 'RecordPushStarted';
  readonly push: PushDescription;
  readonly instance?: string;
}
/** `sessionsEnded`: what the connector reported (`PushOutcome.sessionsEnded`). */
export interface RecordPushSucceeded extends Base {
  readonly type: 'RecordPushSucceeded';
  readonly push: PushDescription;
  readonly sessionsEnded?: boolean;
}
export interface RecordPushFailed extends Base {
  readonly type: 'RecordPushFailed';
  readonly push: PushDescription;
  readonly failure: PushFailure;
}

export interface RecordAccountActionSucceeded extends Base {
  readonly type: 'RecordAccountActionSucceeded';
  readonly action: AccountActionDescription;
}
export interface RecordAccountActionFailed extends Base {
  readonly type: 'RecordAccountActionFailed';
  readonly action: AccountActionDescription;
  readonly failure: PushFailure;
}

/** The engine read from the directory that the password there changed at `changedAt`, by `by` when it says (R16). */
export interface RecordExternalPasswordChange extends Base {
  readonly type: 'RecordExternalPasswordChange';
  readonly directoryId: DirectoryId;
  readonly changedAt: IsoTime;
  readonly source: 'login-check' | 'sweep';
  readonly by?: string;
}

export interface RecordNoticeSent extends Base {
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
