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
}

export interface HostDb {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Claims the email for this user, with the password hash when there is one; `taken` when another
   * user has it (the guard against two users with one email). A reservation stays *unconfirmed*
   * until `confirmEmail` (the user exists in the store), unless `confirmed` says it already does.
   */
  readonly reserveEmail: (email: string, userId: UserId, options?: { readonly hash?: string; readonly confirmed?: boolean }) => Promise<'reserved' | 'taken'>;
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
  /** Compare-and-set: writes `hash` only while the stored one is still `expected`; false otherwise. */
  readonly swapHash: (userId: UserId, expected: string | null, hash: string | null) => Promise<boolean>;
  /** Moves the user's row to a new email; `taken` when another user has that one. */
  readonly changeEmail: (userId: UserId, email: string) => Promise<'changed' | 'taken' | 'unknown'>;
  readonly setHash: (userId: UserId, hash: string | null) => Promise<void>;
  readonly credentialByEmail: (email: string) => Promise<CredentialRow | undefined>;
  readonly credentialByUser: (userId: UserId) => Promise<CredentialRow | undefined>;

  readonly adminHash: (email: string) => Promise<string | undefined>;
  /** Creates the admin account unless it exists; `false` when it already did. */
  readonly createAdmin: (email: string, hash: string) => Promise<boolean>;

  readonly createSession: (tokenHash: string, kind: SessionKind, subject: string, expiresAt: Date) => Promise<void>;
  /** The session's subject (admin email or user id) if it exists, is of this kind and has not expired. */
  readonly findSession: (tokenHash: string, kind: SessionKind, now: Date) => Promise<string | undefined>;
  readonly deleteSession: (tokenHash: string) => Promise<void>;
  /** Ends every session of the subject, all but the one whose token hash is `except`. */
  readonly deleteSessionsOf: (kind: SessionKind, subject: string, except?: string) => Promise<void>;

  /** A host secret by name, created from `make()` at the first call (first writer wins across instances). */
  readonly secret: (name: string, make: () => string) => Promise<string>;
  readonly ping: () => Promise<void>;
  readonly close: () => Promise<void>;
}
