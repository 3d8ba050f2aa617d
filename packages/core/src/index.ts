// @takeover/core: the pure domain of password takeover. Named exports only; test helpers live in
// `@takeover/core/testing`.

export { Secret, reveal, isSecret, REDACTED_TEXT } from './secret.js';

export {
  UserId,
  DirectoryId,
  EventId,
  CommandId,
  PushId,
  NoticeId,
  ExternalUserKey,
  NonEmptyString,
  Text,
  userId,
  directoryId,
  eventId,
  commandId,
  externalUserKey,
  eventIdFor,
  joinId,
} from './ids.js';
export type {
  UserIdBrand,
  DirectoryIdBrand,
  EventIdBrand,
  CommandIdBrand,
  PushIdBrand,
  NoticeIdBrand,
  ExternalUserKeyBrand,
  NonEmptyStringBrand,
} from './ids.js';
export { IsoTime, isoTime, toEpochMs, msBetween } from './time.js';
export type { IsoTimeBrand } from './time.js';
export type { Decider } from './decider.js';
export { fold } from './decider.js';
export { jsonEqual } from './equal.js';

// Events: codecs, decoding, upcasting.
export { EventMetadata, eventCodec } from './codec/event.js';
export type { EventCodec } from './codec/event.js';
export { decodeEvent, decodeUserEvent, decodeDirectoryEvent, eventDecoder, upcasters } from './codec/decode.js';
export type { DecodeError, RawEvent, EventOrigin, Upcaster, Upcasters, AnyEventCodec } from './codec/decode.js';
export type { FieldProblem } from './codec/report.js';

// The user stream.
export { UserAttributes, Actor, Email, attributeNames, requiredAttributes } from './user/attributes.js';
export type { AttributeName } from './user/attributes.js';
export {
  UserEvent,
  userEventCodecs,
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
  UserLifecycleState,
  PasswordSource,
  BindingOrigin,
  LinkMethod,
  NoticeKind,
  UnresolvedReason,
} from './user/events.js';
export { PushDescription, PushFailure, PushReason, FailureClass, pushIdFor } from './user/push.js';
export type * from './user/commands.js';
export type * from './user/errors.js';
export type { UserContext } from './user/context.js';
export type { UserState, ExistingUser, Binding, Link, PasswordStatus } from './user/state.js';
export { initialUserState, currentBindings } from './user/state.js';
export { evolveUser, evolveUserAll } from './user/evolve.js';
export { decideUser, userDecider } from './user/decide.js';
export { passwordSourceOf } from './user/decidePassword.js';
export {
  owed,
  pushesToCarryOut,
  pushesWithoutPlaintext,
  pushDue,
  pushWaitOf,
  isManaged,
  activationNoticeId,
  bindingNoticeId,
  DEFAULT_LEASE_MS,
} from './user/todo.js';
export type { Owed, OwedPush, OwedNotice, OwedResolution, OwedOptions, PushWait, PlaintextMoment } from './user/todo.js';

// The directory stream.
export { DirectoryPolicy, PasswordPush, AccountAction, directoryPolicy, changedPolicyFields } from './directory/policy.js';
export type { DirectoryPolicyInput } from './directory/policy.js';
export {
  DirectoryEvent,
  directoryEventCodecs,
  DirectoryConnected,
  DirectoryPolicyChanged,
  DirectoryDisconnected,
  DirectoryKind,
} from './directory/events.js';
export type * from './directory/commands.js';
export type { DirectoryError, DirectoryAlreadyConnected, InvalidDirectorySettings } from './directory/errors.js';
export type { DirectoryState, DirectoryInfo, Directories } from './directory/state.js';
export { initialDirectoryState, directoryInfo, directoryLabel, directoriesFrom } from './directory/state.js';
export { evolveDirectory } from './directory/evolve.js';
export { decideDirectory, directoryDecider } from './directory/decide.js';

// Password policies and the pre-check.
export { PasswordPolicy, defaultPlatformPasswordPolicy, passwordPolicyForKind } from './policy/passwordPolicy.js';
export type { CustomPasswordPolicy } from './policy/passwordPolicy.js';
export { checkPassword, classesIn, ENTRA_SYMBOLS } from './policy/check.js';
export type { PasswordCheckHooks } from './policy/check.js';
export { describeViolation, describeRejection } from './policy/describe.js';
export { precheckPassword } from './policy/precheck.js';
export type { PolicyTarget, TargetRejection } from './policy/precheck.js';
export type { Violation, CharacterClass } from './policy/violations.js';
export { syncStatus } from './user/status.js';
export { AccountActionDescription, AccountActionKind, AccountActionReason, accountActionIdFor } from './user/accountAction.js';
export { accountActionDue } from './user/accountTodo.js';
export type { OwedAccountAction } from './user/accountTodo.js';
export type { SyncState, BindingStatus } from './user/status.js';
