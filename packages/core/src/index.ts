// @takeover/core: the pure domain of password takeover. Named exports only; test helpers live in
// `@takeover/core/testing`.

export { Secret, reveal, isSecret, REDACTED_TEXT } from './Secret.js';

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
export { IsoTime, isoTime, toEpochMs, msBetween } from './time.js';
export type { Decider } from './Decider.js';
export { fold } from './Decider.js';
export { jsonEqual } from './equal.js';

// Events: codecs, decoding, upcasting.
export { EventMetadata, eventCodec } from './codec/Event.js';
export type { EventCodec } from './codec/Event.js';
export { decodeEvent, decodeUserEvent, decodeDirectoryEvent, eventDecoder, upcasters } from './codec/decode.js';
export type { DecodeError, RawEvent, EventOrigin, Upcaster, Upcasters } from './codec/decode.js';
export type { FieldProblem } from './codec/report.js';

// The user stream.
export { UserAttributes, Actor, Email, attributeNames, requiredAttributes } from './user/Attributes.js';
export type { AttributeName } from './user/Attributes.js';
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
} from './user/Events.js';
export { PushDescription, PushFailure, PushReason, FailureClass, pushIdFor } from './user/Push.js';
export type * from './user/Commands.js';
export type * from './user/Errors.js';
export type { UserContext } from './user/Context.js';
export type { UserState, ExistingUser, Binding, Link, PasswordStatus } from './user/State.js';
export { initialUserState, currentBindings } from './user/State.js';
export { evolveUser } from './user/Evolve.js';
export { decideUser, userDecider } from './user/Decide.js';
export {
  owed,
  pushesToCarryOut,
  pushesWithoutPlaintext,
  pushDue,
  holdOf,
  isManaged,
  activationNoticeId,
  bindingNoticeId,
  DEFAULT_LEASE_MS,
} from './user/Todo.js';
export type { Owed, OwedPush, OwedNotice, OwedResolution, OwedOptions, Hold, PlaintextMoment } from './user/Todo.js';

// The directory stream.
export { DirectoryPolicy, PasswordPush, AccountAction, directoryPolicy, changedPolicyFields } from './directory/Policy.js';
export type { DirectoryPolicyInput } from './directory/Policy.js';
export {
  DirectoryEvent,
  directoryEventCodecs,
  DirectoryConnected,
  DirectoryPolicyChanged,
  DirectoryDisconnected,
  DirectoryKind,
} from './directory/Events.js';
export type * from './directory/Commands.js';
export type { DirectoryError, DirectoryAlreadyConnected, InvalidDirectorySettings } from './directory/Errors.js';
export type { DirectoryState, DirectoryInfo, Directories } from './directory/State.js';
export { initialDirectoryState, directoryInfo, directoryLabel, directoriesFrom } from './directory/State.js';
export { evolveDirectory } from './directory/Evolve.js';
export { decideDirectory, directoryDecider } from './directory/Decide.js';

// Password policies and the pre-check.
export { PasswordPolicy, defaultPlatformPasswordPolicy, passwordPolicyForKind } from './policy/PasswordPolicy.js';
export type { CustomPasswordPolicy } from './policy/PasswordPolicy.js';
export { checkPassword, classesIn, ENTRA_SYMBOLS } from './policy/check.js';
export type { PasswordCheckHooks } from './policy/check.js';
export { describeViolation, describeRejection } from './policy/describe.js';
export { precheckPassword } from './policy/precheck.js';
export type { PolicyTarget, TargetRejection } from './policy/precheck.js';
export type { Violation, CharacterClass } from './policy/Violations.js';
export { syncStatus } from './user/Status.js';
export { AccountActionDescription, AccountActionKind, AccountActionReason, accountActionIdFor } from './user/AccountAction.js';
export { accountActionDue } from './user/AccountTodo.js';
export type { OwedAccountAction } from './user/AccountTodo.js';
export type { SyncState, BindingStatus } from './user/Status.js';
