import * as t from 'io-ts';
import { DirectoryId, ExternalUserKey, NoticeId, UserId } from '../ids.js';
import { IsoTime } from '../time.js';
import { eventCodec } from '../codec/event.js';
import { Actor, AttributeNameCodec, UserAttributes } from './attributes.js';
import { PushDescription, PushFailure } from './push.js';
import { AccountActionDescription } from './accountAction.js';

/*
 * The user stream `user-<userId>`. Data only, and never a secret: no password, no hash of one.
 *
 * Resolving the external account is modelled as its own events (ExternalAccountLinked /
 * ExternalAccountUnresolved) rather than as a field of UserBound: binding is the admin's intent and
 * is decided at once, while resolution (look the key up, match on email, create the account) is I/O
 * the engine does afterwards, may fail and be retried, and may change later (re-linking to another
 * account). An admin-given key is recorded as ExternalAccountLinked `how: 'given'` in the same
 * decision as the binding, so "how was this account resolved" always has one answer in one place.
 */

export const UserLifecycleState = t.keyof({ staged: null, active: null, suspended: null }, 'UserLifecycleState');
export type UserLifecycleState = t.TypeOf<typeof UserLifecycleState>;

export const PasswordSource = t.keyof({ 'user-activation': null, 'user-portal': null, admin: null }, 'PasswordSource');
export type PasswordSource = t.TypeOf<typeof PasswordSource>;

export const BindingOrigin = t.keyof({ admin: null, import: null }, 'BindingOrigin');
export type BindingOrigin = t.TypeOf<typeof BindingOrigin>;

export const LinkMethod = t.keyof({ given: null, 'matched-email': null, created: null }, 'LinkMethod');
export type LinkMethod = t.TypeOf<typeof LinkMethod>;

/**
 * Why the engine could not find (or create) a user's account in a directory, as a code: the
 * connector's permanent reason (`not-found`, `policy-rejected`, `forbidden`, `invalid`), or
 * `creation-disabled` (not found, and the directory's policy does not create missing users).
 */
export const UnresolvedReason = t.keyof(
  { 'not-found': null, 'creation-disabled': null, 'policy-rejected': null, forbidden: null, invalid: null },
  'UnresolvedReason',
);
export type UnresolvedReason = t.TypeOf<typeof UnresolvedReason>;

export const NoticeKind = t.keyof({ binding: null, activation: null }, 'NoticeKind');
export type NoticeKind = t.TypeOf<typeof NoticeKind>;

const user = { userId: UserId, at: IsoTime };

export const UserCreated = eventCodec(
  'UserCreated',
  t.type({ ...user, state: t.keyof({ staged: null, active: null }), attributes: UserAttributes, by: Actor }),
);
export type UserCreated = t.TypeOf<typeof UserCreated>;

export const UserStateChanged = eventCodec(
  'UserStateChanged',
  t.type({ ...user, from: UserLifecycleState, to: UserLifecycleState, by: Actor }),
);
export type UserStateChanged = t.TypeOf<typeof UserStateChanged>;

/**
 * `alreadyInSync` (imports only): the previous system had completed the takeover and the directory
 * holds the current record and password, so nothing is owed until the next change (R11 covers the
 * imports that had not).
 */
export const UserBound = eventCodec(
  'UserBound',
  t.intersection([
    t.type({ ...user, directoryId: DirectoryId, generation: t.number, origin: BindingOrigin, by: Actor }),
    t.partial({ alreadyInSync: t.boolean }),
  ]),
);
export type UserBound = t.TypeOf<typeof UserBound>;

export const ExternalAccountLinked = eventCodec(
  'ExternalAccountLinked',
  t.type({ ...user, directoryId: DirectoryId, generation: t.number, externalKey: ExternalUserKey, how: LinkMethod }),
);
export type ExternalAccountLinked = t.TypeOf<typeof ExternalAccountLinked>;

/** `reason` is a code ({@link UnresolvedReason}); `detail` says it in words, for the admin. */
export const ExternalAccountUnresolved = eventCodec(
  'ExternalAccountUnresolved',
  t.type({ ...user, directoryId: DirectoryId, generation: t.number, reason: UnresolvedReason, detail: t.string }),
);
export type ExternalAccountUnresolved = t.TypeOf<typeof ExternalAccountUnresolved>;

/** `externalAccount`: what the directory's `onUnbind` policy says to do with the external account. */
export const UserUnbound = eventCodec(
  'UserUnbound',
  t.type({ ...user, directoryId: DirectoryId, generation: t.number, externalAccount: t.keyof({ keep: null, suspend: null }), by: Actor }),
);
export type UserUnbound = t.TypeOf<typeof UserUnbound>;

/** Who set it and which version it is. Never the password, never a hash of it. */
export const PasswordSet = eventCodec(
  'PasswordSet',
  t.type({ ...user, by: PasswordSource, passwordVersion: t.number, recordVersion: t.number }),
);
export type PasswordSet = t.TypeOf<typeof PasswordSet>;

export const PasswordExpired = eventCodec('PasswordExpired', t.type({ ...user, by: Actor }));
export type PasswordExpired = t.TypeOf<typeof PasswordExpired>;

export const PortalLogin = eventCodec('PortalLogin', t.type(user));
export type PortalLogin = t.TypeOf<typeof PortalLogin>;

/** `changed`: the new values; `cleared`: optional fields removed. */
export const AttributesChanged = eventCodec(
  'AttributesChanged',
  t.type({
    ...user,
    changed: t.partial({ ...UserAttributes.types[0].props, ...UserAttributes.types[1].props }),
    cleared: t.array(AttributeNameCodec),
    recordVersion: t.number,
    by: Actor,
  }),
);
export type AttributesChanged = t.TypeOf<typeof AttributesChanged>;

const push = t.intersection([PushDescription, t.type({ at: IsoTime })]);

/**
 * The lease: a push in flight, taken by appending this with the expected stream version.
 * `instance`: the engine instance holding it, so a restarted instance can release its own
 * abandoned leases instead of waiting for them to expire.
 */
export const PushStarted = eventCodec('PushStarted', t.intersection([push, t.partial({ instance: t.string })]));
export type PushStarted = t.TypeOf<typeof PushStarted>;

/**
 * `sessionsEnded`: the directory really ended the user's sessions with this push (a revocation, or
 * a password set that ends them by itself). Absent in events written before it existed: unknown.
 */
export const PushSucceeded = eventCodec('PushSucceeded', t.intersection([push, t.partial({ sessionsEnded: t.boolean })]));
export type PushSucceeded = t.TypeOf<typeof PushSucceeded>;

export const PushFailed = eventCodec('PushFailed', t.intersection([PushDescription, t.type({ at: IsoTime, failure: PushFailure })]));
export type PushFailed = t.TypeOf<typeof PushFailed>;

export const NoticeSent = eventCodec(
  'NoticeSent',
  t.intersection([t.type({ ...user, noticeId: NoticeId, kind: NoticeKind }), t.partial({ directoryId: DirectoryId })]),
);
export type NoticeSent = t.TypeOf<typeof NoticeSent>;

const accountAction = t.intersection([AccountActionDescription, t.type({ at: IsoTime })]);

/** The engine suspended the external account (policy `onSuspend` / `onUnbind`). */
export const ExternalAccountSuspended = eventCodec('ExternalAccountSuspended', accountAction);
export type ExternalAccountSuspended = t.TypeOf<typeof ExternalAccountSuspended>;

/** The engine re-enabled an external account it had suspended (the user is active again, or re-bound). */
export const ExternalAccountRestored = eventCodec('ExternalAccountRestored', accountAction);
export type ExternalAccountRestored = t.TypeOf<typeof ExternalAccountRestored>;

export const ExternalAccountActionFailed = eventCodec(
  'ExternalAccountActionFailed',
  t.intersection([AccountActionDescription, t.type({ at: IsoTime, failure: PushFailure })]),
);
export type ExternalAccountActionFailed = t.TypeOf<typeof ExternalAccountActionFailed>;

/**
 * Someone other than Takeover changed the password in the directory (R16): the user there, or an
 * admin in the directory's own console. `changedAt` is the directory's time of the change; `by` who
 * made it, when the directory says; `source` how we learned it. Makes a password push owed to that
 * directory, carried out at the user's next portal login (R10).
 */
export const ExternalPasswordChangeDetected = eventCodec(
  'ExternalPasswordChangeDetected',
  t.intersection([
    t.type({
      ...user,
      directoryId: DirectoryId,
      generation: t.number,
      externalKey: ExternalUserKey,
      changedAt: IsoTime,
      source: t.keyof({ 'login-check': null, sweep: null }),
    }),
    t.partial({ by: t.string }),
  ]),
);
export type ExternalPasswordChangeDetected = t.TypeOf<typeof ExternalPasswordChangeDetected>;

export const userEventCodecs = [
  UserCreated,
  UserStateChanged,
  UserBound,
  ExternalAccountLinked,
  ExternalAccountUnresolved,
  UserUnbound,
  PasswordSet,
  PasswordExpired,
  PortalLogin,
  AttributesChanged,
  PushStarted,
  PushSucceeded,
  PushFailed,
  NoticeSent,
  ExternalAccountSuspended,
  ExternalAccountRestored,
  ExternalAccountActionFailed,
  ExternalPasswordChangeDetected,
] as const;

export const UserEvent = t.union([...userEventCodecs], 'UserEvent');
export type UserEvent = t.TypeOf<typeof UserEvent>;
