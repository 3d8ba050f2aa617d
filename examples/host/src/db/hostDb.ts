// The host's own data, apart from the event store: the platform's credentials (scrypt hashes,
// never in events), the admin accounts, sessions (hashed tokens only), and host secrets. One
// interface, two implementations: SQLite (DATA_DIR/host.db) and PostgreSQL (DATABASE_URL).
import type { UserId } from '@takeover/core';

export type SessionKind = 'admin' | 'portal';

export interface CredentialRow {
  readonly email: string;
  readonly userId: UserId;
  /** `null` until a password is set (a user created without one, before activation). */
  readonly hash: string | null;
  /** Present while a password change is unfinished: `hash` is its new hash, not yet known to the events. */
  readonly pending?: PendingChange;
}

/**
 * A password change between writing its hash and the events settling it (issue 17 #3): what to go
 * back to, and the `passwordVersion` the user's events reach once its `SetPassword` is appended.
 * Settled by whoever holds the row: kept when the events reached `targetVersion`, else restored.
 */
export interface PendingChange {
  readonly previousHash: string | null;
  readonly targetVersion: number;
  /** The hold of the change (or of whoever settles it); `null` or past: nobody is working on it. */
  readonly heldUntil: Date | null;
}

/**
 * An admin action on a user that no event records (resending an activation link), kept for the
 * user's audit log. Never a token, a link or a password (R14): who, when and what, in words.
 */
export interface HostAuditEntry {
  /** Once per key: a retried request or a resumed job item records its action once. */
  readonly key: string;
  readonly userId: UserId;
  readonly at: Date;
  /** Who did it, as the audit log names an actor (`admin:ada@example.com`). */
  readonly by: string;
  readonly type: string;
  readonly summary: string;
}

export interface HostDb {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Claims the email for this user, with the password hash when there is one; `taken` when another
   * user has it (the guard against two users with one email). A reservation stays *unconfirmed*
   * until `confirmEmail` (the user exists in the store), unless `confirmed` says it already does.
   */
  readonly reserveEmail: (
    email: string,
    userId: UserId,
    options?: { readonly hash?: string; readonly confirmed?: boolean },
  ) => Promise<'reserved' | 'taken'>;
  /** Undoes a reservation whose user was never created (only while unconfirmed and held by this user). */
  readonly releaseEmail: (email: string, userId: UserId) => Promise<void>;
  /** The user now exists in the event store: the reservation is the user's credential for good. */
  readonly confirmEmail: (userId: UserId) => Promise<void>;
  /** Reservations still unconfirmed that were made before `before` (issue 17 #5: a crash between reserving and creating). */
  readonly unconfirmed: (before: Date) => Promise<ReadonlyArray<{ readonly email: string; readonly userId: UserId }>>;
  /**
   * Takes the user's credential for one password change (activation, portal change) until `until`;
   * false while another change holds it. The hold expires by itself, so a crash cannot keep it.
   */
  readonly holdCredential: (userId: UserId, holder: string, until: Date, now: Date) => Promise<boolean>;
  readonly releaseCredential: (userId: UserId, holder: string) => Promise<void>;
  /**
   * Starts a change under the caller's hold, in one write: the new hash, with the previous one and the
   * target password version kept as the row's pending change. Compare-and-set: only while `holder`
   * holds the row, its hash is still `expected` and no other change is pending; false otherwise.
   */
  readonly beginChange: (
    userId: UserId,
    holder: string,
    change: { readonly expected: string | null; readonly hash: string; readonly targetVersion: number },
  ) => Promise<boolean>;
  /**
   * Ends the pending change under the caller's hold: `keep` its hash (the events have it) or
   * `restore` the previous one (they do not). False when `holder` does not hold the row or nothing is pending.
   */
  readonly endChange: (userId: UserId, holder: string, outcome: 'keep' | 'restore') => Promise<boolean>;
  /** Users with a pending change whose hold has lapsed at `now` (a crashed or failed change, issue 17 #3). */
  readonly abandonedChanges: (now: Date) => Promise<ReadonlyArray<UserId>>;
  /** Moves the user's row to a new email; `taken` when another user has that one. */
  readonly changeEmail: (userId: UserId, email: string) => Promise<'changed' | 'taken' | 'unknown'>;
  readonly setHash: (userId: UserId, hash: string | null) => Promise<void>;
  readonly credentialByEmail: (email: string) => Promise<CredentialRow | undefined>;
  readonly credentialByUser: (userId: UserId) => Promise<CredentialRow | undefined>;

  /** Links issued before this instant no longer activate the user (a resent activation mail); undefined when none was resent. */
  readonly activationNotBefore: (userId: UserId) => Promise<Date | undefined>;
  /**
   * Invalidates the user's earlier activation links from `at` on, unless this `key` (one resend
   * request, one bulk job's item) already did: then its own instant is answered again, so a retry
   * mints the same link and the mail (keyed by it) is not sent twice. Never moves back: two resends
   * racing both answer the later instant.
   */
  readonly renewActivation: (userId: UserId, key: string, at: Date) => Promise<Date>;
  /** Adds an entry to the user's host audit log, unless one with its key exists. */
  readonly recordAudit: (entry: HostAuditEntry) => Promise<void>;
  /** The user's host audit log, oldest first. */
  readonly auditOf: (userId: UserId) => Promise<ReadonlyArray<HostAuditEntry>>;

  readonly adminHash: (email: string) => Promise<string | undefined>;
  /** Creates the admin account unless it exists; `false` when it already did. */
  readonly createAdmin: (email: string, hash: string) => Promise<boolean>;

  readonly createSession: (tokenHash: string, kind: SessionKind, subject: string, expiresAt: Date) => Promise<void>;
  /** The session's subject (admin email or user id) if it exists, is of this kind and has not expired. */
  readonly findSession: (tokenHash: string, kind: SessionKind, now: Date) => Promise<string | undefined>;
  readonly deleteSession: (tokenHash: string) => Promise<void>;
  /** Ends every session of the subject, all but the one whose token hash is `except`. */
  readonly deleteSessionsOf: (kind: SessionKind, subject: string, except?: string) => Promise<void>;

  /** The directory's custom portal bookmarks as stored (a JSON array, in order), or undefined when never set. */
  readonly bookmarks: (directoryId: string) => Promise<string | undefined>;
  /** Replaces the directory's bookmarks in one write (the last writer wins; a reader sees the old or the new list, never a mix). */
  readonly setBookmarks: (directoryId: string, json: string) => Promise<void>;
  /** Marks the user's notifications (by key) as dismissed; dismissing one twice changes nothing. */
  readonly dismiss: (userId: UserId, keys: ReadonlyArray<string>) => Promise<void>;
  /** The keys of the user's dismissed notifications. */
  readonly dismissed: (userId: UserId) => Promise<ReadonlySet<string>>;

  /** A host secret by name, created from `make()` at the first call (first writer wins across instances). */
  readonly secret: (name: string, make: () => string) => Promise<string>;
  readonly ping: () => Promise<void>;
  readonly close: () => Promise<void>;
}
