// @takeover/engine: the application service. Named exports only; test helpers live in `@takeover/engine/testing`.
export { createEngine } from './engine.js';
export type { Engine, EngineOptions, DirectoryProblem, OwedWorkSource } from './engine.js';
export { directoryAccess } from './pacing/accessGuard.js';
export type { DirectoryAccess, DirectoryAccessProblem, AccessGuardOptions } from './pacing/accessGuard.js';
export { handleUserCommand, handleDirectoryCommand } from './commands.js';
export type { UserHandled, DirectoryHandled, CommandOptions, ConflictRetries } from './commands.js';
export type { DirectoryCache } from './directoryCache.js';
export type { EngineError, Rejected, StoreFailed, TooManyConflicts } from './errors.js';
export { isRejected, isStoreFailed, isTooManyConflicts } from './errors.js';
export { systemClock, randomIds, isoNow } from './ports.js';
export type { Clock, IdGenerator } from './ports.js';
export { plaintextHold, DEFAULT_HOLD_MS, maxHoldMsOf } from './hold.js';
export type { PlaintextHold, Held, HoldOptions } from './hold.js';
export { userStream, directoryStream, loadUser, loadDirectories, userEventDecoder, directoryEventDecoder } from './streams.js';
export type { Loaded } from './streams.js';
export { noopMetrics, inMemoryMetrics } from './metrics.js';
export type { EngineMetrics, InMemoryMetrics, PushOutcomeLabel } from './metrics.js';
export { CATCH_UP_MS, pacer, PacerClosed } from './pacing/pacer.js';
export type { Pacer } from './pacing/pacer.js';
export { sharedPacer, BUDGET_RETRY_MS } from './pacing/budget.js';
export type { SharedBudget, BudgetSlot } from './pacing/budget.js';
export { knownQuotas, defaultPacing, pacingFor } from './pacing/quotas.js';
export type { PacingOptions } from './pacing/quotas.js';
export { pacedCall } from './pacing/retry.js';
export type { RetryOptions, RetryPolicyOptions, RetryUntil, Abandoned } from './pacing/retry.js';
export { mailFailed } from './mail/mailer.js';
export type { Mail, Mailer, MailFailed } from './mail/mailer.js';
export { bindingMail, activationMail } from './mail/templates.js';
export type { MailSettings, Rendered } from './mail/templates.js';
export { inMemoryOutbox, storeOutbox, OUTBOX_STREAM } from './mail/outbox.js';
export type { InMemoryOutbox } from './mail/outbox.js';
export { smtpMailer } from './mail/smtp.js';
export type { SmtpMailerOptions, SmtpTransport } from './mail/smtp.js';
export { toPushFailure, toDirectoryAttributes } from './dispatch/mapping.js';
export { sweepStream, SWEEP_CHECKPOINTED, inMemorySweepCursors, streamSweepCursors, scannedLinkedAccounts } from './dispatch/sweepState.js';
export type { SweepCursor, SweepCursorStore, LinkedAccounts, LinkedUser } from './dispatch/sweepState.js';
export type { SweepReport } from './dispatch/sweep.js';
export { runReadModels } from './read-models/readModels.js';
export type { RunningReadModels, ReadModelsOptions } from './read-models/readModels.js';
export { anyEventDecoder } from './read-models/events.js';
export type { ReadModel, AnyEvent, Recorded } from './read-models/events.js';
export { syncStatusView, healthStep } from './read-models/syncStatus.js';
export type { SyncStatusView, DirectoryHealthView, DirectoryHealth, HealthStep } from './read-models/syncStatus.js';
export { auditLog, auditStep, auditContextKeys, pageLimit, sequenceCursor } from './read-models/auditLog.js';
export type { AuditLog, AuditEntry, AuditQuery, AuditPage, AuditStep, AuditContext, LoginRecord } from './read-models/auditLog.js';
export {
  whoDidIt,
  whoInDirectory,
  whoOfRecorded,
  dateWords,
  externalChangeWords,
  externalChangeNotice,
  AUTOMATIC,
} from './read-models/words.js';
export type { RecordedActor } from './read-models/words.js';
export {
  portalNotifications,
  notificationOf,
  notificationMomentOf,
  notificationGroupOf,
  groupHeading,
  recentLimits,
} from './read-models/notifications.js';
export type {
  PortalNotifications,
  PortalNotification,
  NotificationCause,
  NotificationGroup,
  NotificationMoment,
  RecentNotificationsQuery,
} from './read-models/notifications.js';
export { whyView, whyHistoryItem, explainPush } from './read-models/why.js';
export type { WhyView, WhyHistoryItem, PushExplanation, Cause } from './read-models/why.js';
export { directoryLabels } from './read-models/directoryLabels.js';
export type {
  RolloutState,
  BindingReason,
  UserListFilter,
  UserListSort,
  UserListQuery,
  UserDirectoryRow,
  UserListRow,
  UserListPage,
  DirectoryRollout,
  CompletionPoint,
  UserListView,
  UserTally,
  UserTallyGroup,
  BindingTallyGroup,
} from './read-models/userList.js';
export { inMemoryUserList, rowMatches, rolloutOf, completionCurve } from './read-models/inMemoryUserList.js';
export type { InMemoryUserList, InMemoryUserListOptions } from './read-models/inMemoryUserList.js';
export {
  rolloutStateOf,
  owesWorkWithoutPlaintext,
  trackUser,
  storedRowOf,
  directoryRowAt,
  displayNameOf,
  checkQuery,
  filterProblem,
  sortKeyOf,
  encodeCursor,
  externalChangeCountsOf,
  tallyOf,
  sortedTally,
} from './read-models/userRows.js';
export type {
  TrackedUser,
  StoredUserRow,
  StoredDirectoryRow,
  CheckedQuery,
  ExternalChangeCount,
  ExternalChangeSource,
} from './read-models/userRows.js';
export { runProjections } from './read-models/projections.js';
export type {
  Projection,
  ProjectionTarget,
  ProjectionRunnerOptions,
  RunningProjections,
  ProjectionFailure,
} from './read-models/projections.js';
