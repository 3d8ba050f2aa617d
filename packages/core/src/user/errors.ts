import type { DirectoryId, PushId, UserId } from '../ids.js';
import type { IsoTime } from '../time.js';
import type { Violation } from '../policy/violations.js';
import type { DirectoryNotConnected } from '../directory/errors.js';

export type { DirectoryNotConnected };

/** Every domain error is a value with a `_tag` (its machine name) and a `message` a person can act on. */
export interface TaggedError<T extends string> {
  readonly _tag: T;
  readonly message: string;
}

export interface UserNotFound extends TaggedError<'UserNotFound'> {
  readonly userId: UserId;
}
export interface UserAlreadyExists extends TaggedError<'UserAlreadyExists'> {
  readonly userId: UserId;
}
export interface InvalidAttributes extends TaggedError<'InvalidAttributes'> {
  readonly problems: ReadonlyArray<string>;
}
export interface InvalidBinding extends TaggedError<'InvalidBinding'> {
  readonly directoryId: DirectoryId;
}
export interface NotBound extends TaggedError<'NotBound'> {
  readonly directoryId: DirectoryId;
}

/** R7: who may not log in, and why. */
export interface CannotLogIn extends TaggedError<'CannotLogIn'> {
  readonly reason: 'staged' | 'suspended' | 'password-pending' | 'password-expired';
}

export interface PasswordChangeNotAllowed extends TaggedError<'PasswordChangeNotAllowed'> {
  readonly reason: 'staged' | 'suspended' | 'already-activated' | 'not-activated';
}

/** One directory (or the platform, `directoryId` absent) that would reject the password, and why. */
export interface Rejection {
  readonly directoryId?: DirectoryId;
  readonly label: string;
  readonly violations: ReadonlyArray<Violation>;
  readonly message: string;
}

/** The pre-check: the password breaks a bound directory's rules. Never contains the password. */
export interface PasswordRejected extends TaggedError<'PasswordRejected'> {
  readonly rejections: ReadonlyArray<Rejection>;
}

export interface PushNotOwed extends TaggedError<'PushNotOwed'> {
  readonly pushId: PushId;
}
export interface PushInFlight extends TaggedError<'PushInFlight'> {
  readonly pushId: PushId;
  readonly since: IsoTime;
}

export type UserError =
  | UserNotFound
  | UserAlreadyExists
  | InvalidAttributes
  | DirectoryNotConnected
  | NotBound
  | InvalidBinding
  | CannotLogIn
  | PasswordChangeNotAllowed
  | PasswordRejected
  | PushNotOwed
  | PushInFlight;
