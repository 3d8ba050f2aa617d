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
  /** Claims the email for this user; `taken` when another user has it (the guard against two users with one email). */
  readonly reserveEmail: (email: string, userId: UserId) => Promise<'reserved' | 'taken'>;
  /** Undoes a reservation whose command failed (only if still unset and held by this user). */
  readonly releaseEmail: (email: string, userId: UserId) => Promise<void>;
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
  readonly deleteSessionsOf: (kind: SessionKind, subject: string) => Promise<void>;

  /** A host secret by name, created from `make()` at the first call (first writer wins across instances). */
  readonly secret: (name: string, make: () => string) => Promise<string>;
  readonly ping: () => Promise<void>;
  readonly close: () => Promise<void>;
}
