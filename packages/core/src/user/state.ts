import type { DirectoryId, ExternalUserKey, NoticeId, PushId, UserId } from '../ids.js';
import type { IsoTime } from '../time.js';
import type { UserAttributes } from './attributes.js';
import type { BindingOrigin, LinkMethod, UnresolvedReason, UserLifecycleState } from './events.js';
import type { PushDescription, PushFailure } from './push.js';
import type { AccountActionDescription } from './accountAction.js';

export type PasswordStatus = 'pending' | 'active' | 'expired';

/** How the binding's external account stands: being resolved by the engine, linked, or unresolved (nothing is pushed). */
export type Link =
  /** `after`: the push whose not-found showed the linked account gone (a re-resolution); absent for the first. */
  | { readonly status: 'resolving'; readonly after?: PushId }
  /** `at`: when the link was recorded: a directory may not know a just-created account for a while (propagation). */
  | { readonly status: 'linked'; readonly externalKey: ExternalUserKey; readonly how: LinkMethod; readonly at: IsoTime }
  | { readonly status: 'unresolved'; readonly reason: UnresolvedReason; readonly detail: string };

/** One user × directory. Kept after an unbind (`bound: false`) so a re-bind knows its history. */
export interface Binding {
  readonly directoryId: DirectoryId;
  readonly generation: number;
  readonly bound: boolean;
  readonly origin: BindingOrigin;
  readonly boundAt: IsoTime;
  /** Bound while the password was pending: the activation email (R2), not a binding email (R1), tells the user. */
  readonly boundWhilePending: boolean;
  readonly link: Link;
  /** A push carrying the password succeeded on this binding (and link). */
  readonly takeoverComplete: boolean;
  /** Some earlier binding/link of this directory completed a takeover: the next first push is a `rebind`. */
  readonly everTakenOver: boolean;
  /** Versions the directory has from the last successful push (0: nothing yet). */
  readonly pushedRecordVersion: number;
  readonly pushedPasswordVersion: number;
  readonly inFlight: (PushDescription & { readonly since: IsoTime; readonly instance?: string }) | null;
  readonly lastFailure: (PushDescription & { readonly at: IsoTime; readonly failure: PushFailure }) | null;
  readonly lastSuccess: { readonly pushId: PushId; readonly at: IsoTime } | null;
  /** When our last successful push carrying the password was recorded (null: none on this binding yet). */
  readonly lastPasswordPushAt: IsoTime | null;
  /** A password change made outside Takeover, detected and not yet set back (R16). */
  readonly externalChangePending: IsoTime | null;
  /** External changes detected on this binding so far (keeps the ids of the pushes that set them back distinct). */
  readonly externalChanges: number;
  /** What `UserUnbound` decided for the external account (null while bound). */
  readonly unbindAction: 'keep' | 'suspend' | null;
  /** The external account Takeover suspended and has not restored (kept across re-binds). */
  readonly suspendedAccount: ExternalUserKey | null;
  /** Account actions recorded on this directory so far (makes their ids distinct). */
  readonly accountActionVersion: number;
  readonly lastAccountActionId: string | null;
  readonly accountActionFailure: (AccountActionDescription & { readonly at: IsoTime; readonly failure: PushFailure }) | null;
}

export interface ExistingUser {
  readonly status: 'present';
  readonly userId: UserId;
  readonly createdAt: IsoTime;
  readonly state: UserLifecycleState;
  readonly passwordStatus: PasswordStatus;
  readonly attributes: UserAttributes;
  /** Increments on every change a directory must receive: attributes, password. Starts at 1. */
  readonly recordVersion: number;
  /** Increments on every password set. 0: never set. */
  readonly passwordVersion: number;
  readonly lastLoginAt: IsoTime | null;
  /**
   * The event id of the last `PortalLogin` (derived from its command's id): a login command decided
   * again after it was recorded (a double-click sent twice, a retry after a lost answer) is one login.
   * Two logins are two commands, whatever their times.
   */
  readonly lastLoginEventId: string | null;
  readonly bindings: Readonly<Partial<Record<DirectoryId, Binding>>>;
  readonly noticesSent: ReadonlyArray<NoticeId>;
}

export type UserState = { readonly status: 'absent' } | ExistingUser;

export const initialUserState: UserState = { status: 'absent' };

/** The bindings currently in force. */
export const currentBindings = (user: ExistingUser): ReadonlyArray<Binding> =>
  Object.values(user.bindings).filter((b): b is Binding => b !== undefined && b.bound);
