// The host's application layer, as the HTTP layer (JSON API and server-rendered pages) sees it.
// One object, built once by `createHostApp(config)`; every route, page and test goes through it.
// Passwords cross it only as `Secret` values; nothing here returns or logs one.
import type { Either } from 'fp-ts/lib/Either.js';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { AccessCheck } from '@takeover/connector-kit';
import type {
  AccountActionKind,
  AccountActionReason,
  BindingStatus,
  DirectoryId,
  DirectoryPolicy,
  IsoTime,
  PushFailure,
  Secret,
  UserAttributes,
  UserId,
} from '@takeover/core';
import type { AuditEntry, LoginRecord, NotificationCause, PortalNotification, PushExplanation } from '@takeover/engine';
import type { CsvProblem, ImportResult } from './csvImport.js';
import type { JobView } from './jobs.js';
import type { BulkService } from './bulk.js';
import type { CompletionPoint, UserDirectoryRow, UserListFilter, UserListPage, UserListQuery } from '@takeover/engine';

/**
 * What went wrong, in terms the HTTP layer maps to a status without guessing. The machine code is
 * `kind` (and `code` where given); `reason` is prose, because it is the JSON error body's field
 * (`{ "error": { "kind", "reason", … } }`, see http/problem.ts) that the console and API clients read.
 */
export type Problem =
  /** 400: `field` is a JSON path into the input (`email`, `changes.givenName`, `password`), `reason` says what is wrong in words. */
  | { readonly kind: 'invalid'; readonly field: string; readonly reason: string }
  /** 404 */
  | { readonly kind: 'not-found'; readonly what: 'user' | 'directory' | 'push' | 'binding' | 'activation' | 'job'; readonly id: string }
  /** 409: e.g. the email is taken, the directory is already bound. */
  | { readonly kind: 'conflict'; readonly reason: string }
  /** 401: wrong email or password, a bad or expired token; never says which. */
  | { readonly kind: 'unauthorized' }
  /** 403: a valid login that may not proceed (staged, suspended, password pending/expired: R7), with the reason. */
  | {
      readonly kind: 'forbidden';
      readonly reason: string;
      /** The core's reason code (`staged`, `suspended`, `password-pending`, `password-expired`, `already-activated`, …). */ readonly code?: string;
    }
  /** 429 */
  | { readonly kind: 'throttled'; readonly retryAfterSeconds: number }
  /** 422: the domain refused (the core's error code, e.g. `PasswordRejectedByPolicy`), with a reason in words. */
  | { readonly kind: 'rejected'; readonly code: string; readonly reason: string }
  /** 503: the store or a dependency is down. */
  | { readonly kind: 'unavailable'; readonly reason: string };

export type Outcome<T> = Promise<Either<Problem, T>>;

// ── Views (plain data, JSON-safe) ────────────────────────────────────────────────────────────────

export interface UserSummary {
  readonly id: UserId;
  readonly email: string;
  readonly displayName: string;
  readonly state: 'staged' | 'active' | 'suspended';
  readonly passwordStatus: 'pending' | 'active' | 'expired';
  readonly directories: ReadonlyArray<DirectoryId>;
}

/** A user in `GET /api/users`: the summary and, per bound directory, where the user stands there. */
export interface UserListEntry extends UserSummary {
  readonly status: ReadonlyArray<UserDirectoryRow>;
}

/** `GET /api/users`: a keyset page, the cursor of the next one, and how many users match the filter. */
export interface UserPageView {
  readonly users: ReadonlyArray<UserListEntry>;
  /** Present when more users follow: pass it as `after`. */
  readonly next?: string;
  readonly total: number;
}

/**
 * The account action owed on a binding's external account (suspend or restore, by the directory's
 * lifecycle policy), until it is recorded as done: `lastFailure` when an attempt failed and it is
 * tried again. A permanently failed one is not owed (it waits for the next change, like a push).
 */
export interface OwedAccountActionView {
  readonly action: AccountActionKind;
  readonly reason: AccountActionReason;
  readonly lastFailure?: PushFailure;
}

export interface UserView extends UserSummary {
  readonly attributes: UserAttributes;
  readonly passwordVersion: number;
  /** Per bound directory: the core's status (owed / in flight / in sync / failed with reason and time, …) with the directory's label. */
  readonly bindings: ReadonlyArray<BindingStatus & { readonly label: string; readonly accountAction?: OwedAccountActionView }>;
  readonly createdAt?: IsoTime;
}

export interface AuditView {
  readonly entries: ReadonlyArray<AuditEntry>;
  readonly logins: ReadonlyArray<LoginRecord>;
  /** Every push to this user's directories, newest first, each with its explanation (`why`). */
  readonly pushes: ReadonlyArray<PushExplanation>;
}

export interface DirectoryView {
  readonly id: DirectoryId;
  readonly kind: 'google-workspace' | 'microsoft-entra' | (string & {});
  readonly displayName: string;
  readonly domain: string;
  /** "Google Workspace (example.com)" */
  readonly label: string;
  /** `emulator` when the in-process emulator serves it, `real` when credentials were configured. */
  readonly mode: 'emulator' | 'real';
  /** Where the connector talks to (emulator URL or the provider's API), never a credential. */
  readonly endpoint: string;
  readonly policy: DirectoryPolicy;
  /** The last call failed with `auth` and none succeeded since. */
  readonly needsAdmin: boolean;
  readonly paused: boolean;
  /** While paused: what the directory refuses the connector, and how an admin fixes it. */
  readonly problems: ReadonlyArray<AccessCheck>;
}

/** Live feedback on a candidate password: the platform's policy and each bound directory's. */
export interface PasswordFeedback {
  readonly ok: boolean;
  readonly checks: ReadonlyArray<{
    readonly scope: 'platform' | DirectoryId;
    readonly label: string;
    readonly ok: boolean;
    readonly problems: ReadonlyArray<string>;
  }>;
}

/** The notifications one login (or update) caused, shown and dismissed together (`NotificationGroup` with labels). */
export interface PortalNotificationGroupView {
  /** Give it to `dismissNotifications` to dismiss the group. */
  readonly id: string;
  readonly cause: NotificationCause;
  readonly at: IsoTime;
  /** "At your login on 1 Dec 2026 09:14 UTC". */
  readonly heading: string;
  /** Oldest first. */
  readonly notifications: ReadonlyArray<PortalNotification & { readonly label: string }>;
}

export interface PortalNotificationsView {
  /** The recent ones (the last 30 days, at most 10 groups), not dismissed, grouped by the login that caused them, newest first. */
  readonly groups: ReadonlyArray<PortalNotificationGroupView>;
  /** The same notifications, one list, newest first. */
  readonly items: ReadonlyArray<PortalNotification & { readonly label: string }>;
  /** Directories with a push in flight for this user right now ("Updating…"). */
  readonly updating: ReadonlyArray<{ readonly directoryId: DirectoryId; readonly label: string }>;
}

export interface CapturedMail {
  readonly id: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly sentAt: IsoTime;
}

// ── Inputs (already decoded by the HTTP layer with the codecs in `inputs.ts`) ─────────────────────

export interface CreateUserInput {
  readonly email: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly state: 'active' | 'staged';
  readonly password?: Secret;
  readonly displayName?: string;
  readonly jobTitle?: string;
  readonly department?: string;
  readonly mobilePhone?: string;
  readonly officeLocation?: string;
  readonly employeeId?: string;
  /** Directories to bind at once (the console's "create and bind"). */
  readonly directories?: ReadonlyArray<DirectoryId>;
}

/** `null` clears an optional attribute. */
export type AttributeChanges = Readonly<Partial<Record<Exclude<keyof UserAttributes, 'email'> | 'email', string | null>>>;

export interface DirectoryPolicyChange {
  readonly passwordPush?: 'every-push' | 'when-changed';
  readonly revokeSessionsOnPush?: boolean;
}

/** `POST /api/users/import`: what a dry run found, a refused file, a finished import, or the job running it. */
export type ImportAnswer =
  | {
      readonly kind: 'dry-run';
      readonly problems: ReadonlyArray<CsvProblem>;
      readonly truncated: boolean;
      readonly wouldCreate: number;
      readonly unchanged: number;
    }
  | { readonly kind: 'refused'; readonly problems: ReadonlyArray<CsvProblem>; readonly truncated: boolean }
  | { readonly kind: 'imported'; readonly result: ImportResult }
  | { readonly kind: 'job'; readonly jobId: string; readonly total: number };

/** A portal bookmark (an app tile) as an admin sets it per directory. */
export interface BookmarkInput {
  readonly name: string;
  /** `https:` only. */
  readonly url: string;
  /** An icon's `https:` URL, or a short text (an emoji) shown on the tile. */
  readonly icon?: string;
}

/** A tile in the portal: a directory's default app or an admin's bookmark. */
export interface PortalBookmark {
  readonly name: string;
  readonly url: string;
  readonly icon?: string;
  readonly directoryId?: DirectoryId;
}

/** Who acts: the admin account (by its email) or the API key. */
export interface AdminPrincipal {
  readonly kind: 'admin';
  readonly id: string;
}
export interface PortalPrincipal {
  readonly kind: 'user';
  readonly userId: UserId;
  readonly email: string;
  readonly displayName: string;
}

// ── Services ─────────────────────────────────────────────────────────────────────────────────────

/** One directory's rollout (GET /api/rollout): bound users counted by where they stand. */
export interface DirectoryRolloutView {
  readonly id: DirectoryId;
  readonly name: string;
  readonly bound: number;
  readonly awaitingFirstLogin: number;
  readonly inSync: number;
  readonly pending: number;
  readonly inFlight: number;
  readonly failing: number;
  readonly unresolved: number;
  /** Bound users nothing is pushed to now: staged or suspended users, or a disconnected directory (a user who has not activated yet counts as awaiting their first login). */
  readonly paused: number;
  readonly failingByReason: Readonly<Record<string, number>>;
  /** Passwords changed in this directory outside the portal and detected since the start (R16), each set back at the user's next portal login. */
  readonly externalChanges: number;
}

export interface AdminService extends BulkService {
  /**
   * `POST /api/session` and the console's login form: the admin account's email and password.
   * Throttled before the check (see `src/db/throttle.ts`); `device` is the token a previous login
   * from this browser returned (a known device passes an account lockout). Returns the device token to keep.
   */
  readonly login: (
    email: string,
    password: Secret,
    address: string,
    device?: string,
  ) => Outcome<{ readonly token: string; readonly expiresAt: IsoTime; readonly device: string }>;
  /** A bearer token from `login`, or the `ADMIN_API_KEY`; undefined for anything else. */
  readonly authenticate: (token: string) => Promise<AdminPrincipal | undefined>;
  readonly logout: (token: string) => Promise<void>;

  readonly searchUsers: (query: {
    readonly q?: string;
    readonly limit?: number;
    readonly offset?: number;
  }) => Promise<{ readonly total: number; readonly users: ReadonlyArray<UserSummary> }>;
  readonly createUser: (by: AdminPrincipal, input: CreateUserInput) => Outcome<{ readonly id: UserId }>;
  readonly getUser: (id: string) => Outcome<UserView>;
  readonly changeAttributes: (by: AdminPrincipal, id: string, changes: AttributeChanges) => Outcome<UserView>;
  readonly setState: (by: AdminPrincipal, id: string, state: 'active' | 'staged' | 'suspended') => Outcome<UserView>;
  readonly bind: (by: AdminPrincipal, id: string, directoryId: string) => Outcome<UserView>;
  readonly unbind: (by: AdminPrincipal, id: string, directoryId: string) => Outcome<UserView>;
  readonly audit: (id: string) => Outcome<AuditView>;
  readonly why: (pushId: string) => Outcome<PushExplanation>;

  /** `GET /api/users.csv`: the filtered user list as CSV, a status and a reason column per directory (formula-safe cells). */
  /** The CSV as chunks read page by page while they are pulled (csvExport.ts); a refused filter is answered before the first chunk. */
  readonly exportUsers: (filter: UserListFilter) => Outcome<AsyncIterable<string>>;
  /** The CSV import: checks the whole file; with `dryRun` or any problem, changes nothing. */
  /** `asJob`: run as a job even when the file is small (the console, which shows every import's progress and results the same way). */
  readonly importUsers: (
    by: AdminPrincipal,
    csv: string,
    options: { readonly dryRun: boolean; readonly asJob?: boolean },
  ) => Outcome<ImportAnswer>;

  readonly directories: () => Promise<ReadonlyArray<DirectoryView>>;
  /** The directory's custom portal bookmarks, in order (not-found for an unknown directory). */
  readonly bookmarks: (directoryId: string) => Outcome<ReadonlyArray<BookmarkInput>>;
  /** Replaces the directory's custom bookmarks (the list is checked by the HTTP layer's codec). */
  readonly setBookmarks: (
    by: AdminPrincipal,
    directoryId: string,
    bookmarks: ReadonlyArray<BookmarkInput>,
  ) => Outcome<ReadonlyArray<BookmarkInput>>;
  /** `GET /api/rollout` and the console's overview. */
  readonly rollout: () => Promise<{ readonly directories: ReadonlyArray<DirectoryRolloutView> }>;
  /** Takeovers completed per day (cumulative) in one directory, for the overview's chart. */
  readonly completion: (directoryId: string) => Outcome<ReadonlyArray<CompletionPoint>>;
  /** The console's user list: filters, sort, keyset pages (`invalid` naming the bad parameter). */
  readonly listUsers: (query: UserListQuery) => Outcome<UserListPage>;
  /** `GET /api/users`: `listUsers` as the API answers it; `offset` skips users first (older callers). */
  readonly usersPage: (query: UserListQuery, offset?: number) => Outcome<UserPageView>;
  /** `GET /api/jobs/:jobId`: a long operation's progress and per-item results (any instance, after a reload or restart). */
  readonly job: (jobId: string) => Outcome<JobView>;
  /**
   * `POST /api/jobs/:jobId/cancel`: stops a running job between items; the items it had not reached
   * are marked not done. Cancelling a cancelled job answers it again; a finished one is a `conflict`.
   */
  readonly cancelJob: (by: AdminPrincipal, jobId: string) => Outcome<JobView>;
  readonly changeDirectoryPolicy: (by: AdminPrincipal, id: string, change: DirectoryPolicyChange) => Outcome<DirectoryView>;
}

export interface PortalService {
  /**
   * Verifies against the credential store (scrypt), throttled before the check per (account,
   * address), per address and per account from unknown devices (`device`: the token an earlier login
   * from this browser returned), then the engine's `LogIn` (R3/R7): pushes run behind it.
   * Returns the device token to keep (a cookie).
   */
  readonly login: (
    email: string,
    password: Secret,
    address: string,
    device?: string,
  ) => Outcome<{ readonly sessionToken: string; readonly principal: PortalPrincipal; readonly device: string }>;
  readonly session: (sessionToken: string) => Promise<PortalPrincipal | undefined>;
  readonly logout: (sessionToken: string) => Promise<void>;
  /** The activation link's token: who it is for and the policies the new password must meet; not-found when unknown, used or expired. */
  readonly activation: (token: string) => Outcome<{
    readonly email: string;
    readonly givenName: string;
    readonly directories: ReadonlyArray<{ readonly id: DirectoryId; readonly label: string }>;
  }>;
  /** Sets the first password (engine `SetPassword` by the user, and the credential store), consuming the token; one at a time per user (a second gets a conflict or not-found). */
  readonly activate: (token: string, password: Secret, address: string) => Outcome<{ readonly userId: UserId }>;
  /** One change at a time per user (others get a conflict); ends the user's other portal sessions, all but `keepSession`. */
  readonly changePassword: (userId: UserId, current: Secret, next: Secret, address: string, keepSession?: string) => Outcome<void>;
  /** For an activation token or a logged-in user: the candidate against the platform's and each bound directory's policy. */
  readonly passwordFeedback: (
    who: { readonly activationToken: string } | { readonly userId: UserId },
    candidate: Secret,
  ) => Outcome<PasswordFeedback>;
  readonly notifications: (userId: UserId) => Promise<PortalNotificationsView>;
  /** Hides the user's notifications by id (`all`: every one shown now); ids that are not the user's are ignored. Dismissing twice changes nothing. */
  /** Dismisses groups (or single notifications) by id, or every recent group; the user's own only, and dismissing twice changes nothing. */
  readonly dismissNotifications: (userId: UserId, ids: ReadonlyArray<string> | 'all') => Promise<{ readonly dismissed: number }>;
  /** The user's directories, each with its state in plain words (docs/glossary.md). */
  readonly directories: (
    userId: UserId,
  ) => Promise<ReadonlyArray<{ readonly directoryId: DirectoryId; readonly label: string; readonly words: string }>>;
  /** The user's tiles: each directory's default apps and its admin's bookmarks, for each bound directory the user is in sync with. */
  readonly bookmarks: (userId: UserId) => Promise<ReadonlyArray<PortalBookmark>>;
}

/** Present only when a directory is emulated or mail goes to the outbox. */
export interface DemoService {
  /** Whether the emulated directory accepts this password for the user, and when its sessions were last revoked. not-found for a real directory or an unknown user. */
  readonly verify: (
    directoryId: string,
    userKey: string,
    password: Secret,
  ) => Outcome<{ readonly matches: boolean; readonly sessionsRevokedAt: IsoTime | null }>;
  /**
   * The user changes their own password in the emulated directory, outside the portal (R16's
   * "external change"), as they would in their Google Account or Microsoft 365. invalid (field
   * `password`) when the directory's policy refuses it; not-found for a real directory or an unknown user.
   */
  readonly changePassword: (directoryId: string, userKey: string, password: Secret) => Outcome<{ readonly changed: true }>;
  /**
   * Whether the outbox is served (`/mail`, `/demo/mail`, for the admin only): mail is captured (no
   * SMTP_URL) and every directory is emulated. With a real directory configured it never is (issue 17 #7).
   */
  readonly outbox: boolean;
  /** Mail captured in the outbox, newest first (empty when the outbox is not served). */
  readonly mail: () => Promise<ReadonlyArray<CapturedMail>>;
  /** The seeded demo accounts (emails and which directories they are bound to), for the home page; never a password. */
  readonly seededUsers: () => ReadonlyArray<{ readonly email: string; readonly directories: ReadonlyArray<DirectoryId> }>;
}

export interface Readiness {
  readonly ready: boolean;
  readonly checks: ReadonlyArray<{ readonly name: string; readonly ok: boolean; readonly detail?: string }>;
  /**
   * Directories that take no pushes now, with what to grant or fix. Informational: a paused
   * directory does not make the instance unready (logins work; pushes there stay owed).
   */
  readonly pausedDirectories: ReadonlyArray<{
    readonly id: DirectoryId;
    readonly reason: 'auth' | 'access';
    readonly checks: ReadonlyArray<AccessCheck>;
  }>;
}

export interface HostApp {
  readonly settings: {
    readonly platformName: string;
    /** The public base URL (`PUBLIC_URL`, default `http://localhost:<PORT>`); `https:` means cookies are `Secure`. */
    readonly publicUrl: string;
    readonly port: number;
    readonly host: string;
    /** Key for signing cookies and CSRF secrets (persisted in the data store, so restarts keep sessions). */
    readonly cookieSecret: string;
    readonly demo: boolean;
  };
  readonly admin: AdminService;
  readonly portal: PortalService;
  readonly demo: DemoService | undefined;
  /** The host's pino logger, with redaction of password, token, cookie and authorization fields. */
  readonly logger: Logger;
  /** prom-client registry with the engine's metrics and the process defaults; the HTTP layer adds its own. */
  readonly metrics: Registry;
  readonly ready: () => Promise<Readiness>;
  /** The admin account's generated password, present only at the very first start (print once, never log). */
  readonly firstStart: { readonly adminEmail: string; readonly adminPassword: Secret } | undefined;
  /**
   * Milliseconds each step of `createHostApp` took (host database, event store, read models resumed,
   * emulators, engine and directories, reconciliation, catch-up, services), for the start-up log.
   */
  readonly startupMs: Readonly<Record<string, number>>;
  /** Stops taking work, lets in-flight pushes finish within `deadlineMs`, then closes stores, emulators and mail. */
  readonly close: (deadlineMs?: number) => Promise<void>;
}
