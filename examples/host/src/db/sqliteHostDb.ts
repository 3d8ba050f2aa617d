// The host's tables in one SQLite file (better-sqlite3: synchronous, one process). With an
// EventStoreDB store and no DATABASE_URL this is still where credentials live: one host instance.
import { chmodSync } from 'node:fs';
import Sqlite from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import type { UserId } from '@takeover/core';
import type { CredentialRow, HostDb, SessionKind } from './hostDb.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS credentials (email TEXT PRIMARY KEY, user_id TEXT NOT NULL UNIQUE, hash TEXT, updated_at INTEGER NOT NULL,
  confirmed INTEGER NOT NULL DEFAULT 1, held_by TEXT, held_until INTEGER, previous_hash TEXT, pending_version INTEGER);
CREATE TABLE IF NOT EXISTS admins (email TEXT PRIMARY KEY, hash TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (token_hash TEXT PRIMARY KEY, kind TEXT NOT NULL, subject TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS sessions_subject ON sessions (kind, subject);
CREATE TABLE IF NOT EXISTS host_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS host_bookmarks (directory_id TEXT PRIMARY KEY, items TEXT NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS host_dismissed (user_id TEXT NOT NULL, notice_key TEXT NOT NULL, PRIMARY KEY (user_id, notice_key));
CREATE TABLE IF NOT EXISTS activation_links (user_id TEXT PRIMARY KEY, not_before INTEGER NOT NULL, renewed_by TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS host_audit (key TEXT PRIMARY KEY, user_id TEXT NOT NULL, at INTEGER NOT NULL, by TEXT NOT NULL, type TEXT NOT NULL, summary TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS host_audit_user ON host_audit (user_id, at);
`;

interface Row {
  readonly email: string;
  readonly user_id: string;
  readonly hash: string | null;
  readonly previous_hash: string | null;
  readonly pending_version: number | null;
  readonly held_until: number | null;
}
const toRow = (r: Row | undefined): CredentialRow | undefined => {
  if (r === undefined) return undefined;
  const row = { email: r.email, userId: r.user_id as UserId, hash: r.hash };
  return r.pending_version === null
    ? row
    : {
        ...row,
        pending: {
          previousHash: r.previous_hash,
          targetVersion: r.pending_version,
          heldUntil: r.held_until === null ? null : new Date(r.held_until),
        },
      };
};
const ROW = 'email, user_id, hash, previous_hash, pending_version, held_until';
const isUnique = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && String((e as { code?: unknown }).code).startsWith('SQLITE_CONSTRAINT');

/** Hashes, sessions and the cookie secret (or the events): readable by the host's user only. */
export const restrictToOwner = (path: string): void => {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(file, 0o600);
    } catch {
      // Missing (no WAL yet) or not ours to change: DATA_DIR's own mode (0700 when the host creates it) still applies.
    }
  }
};

export interface SqliteHostDb extends HostDb {
  /** The connection (the throttle keeps its counters here too). */
  readonly database: Database;
}

export const openSqliteHostDb = (path: string): SqliteHostDb => {
  const db = new Sqlite(path);
  restrictToOwner(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  // Tables from before issue 17: the reservation and hold columns (existing rows are confirmed users).
  const columns = new Set(
    db
      .prepare<[], { name: string }>('PRAGMA table_info(credentials)')
      .all()
      .map((c) => c.name),
  );
  if (!columns.has('confirmed')) db.exec('ALTER TABLE credentials ADD COLUMN confirmed INTEGER NOT NULL DEFAULT 1');
  if (!columns.has('held_by')) db.exec('ALTER TABLE credentials ADD COLUMN held_by TEXT');
  if (!columns.has('held_until')) db.exec('ALTER TABLE credentials ADD COLUMN held_until INTEGER');
  // …and a change's pending marker (issue 17 #3: a crash between the hash and `SetPassword`).
  if (!columns.has('previous_hash')) db.exec('ALTER TABLE credentials ADD COLUMN previous_hash TEXT');
  if (!columns.has('pending_version')) db.exec('ALTER TABLE credentials ADD COLUMN pending_version INTEGER');
  const st = {
    reserve: db.prepare('INSERT INTO credentials (email, user_id, hash, updated_at, confirmed) VALUES (?, ?, ?, ?, ?)'),
    release: db.prepare('DELETE FROM credentials WHERE email = ? AND user_id = ? AND confirmed = 0'),
    confirm: db.prepare('UPDATE credentials SET confirmed = 1 WHERE user_id = ?'),
    unconfirmed: db.prepare<[number], Row>(`SELECT ${ROW} FROM credentials WHERE confirmed = 0 AND updated_at < ?`),
    hold: db.prepare('UPDATE credentials SET held_by = ?, held_until = ? WHERE user_id = ? AND (held_until IS NULL OR held_until <= ?)'),
    unhold: db.prepare('UPDATE credentials SET held_by = NULL, held_until = NULL WHERE user_id = ? AND held_by = ?'),
    begin: db.prepare(`UPDATE credentials SET hash = ?, previous_hash = hash, pending_version = ?, updated_at = ?
      WHERE user_id = ? AND held_by = ? AND hash IS ? AND pending_version IS NULL`),
    keep: db.prepare(
      'UPDATE credentials SET previous_hash = NULL, pending_version = NULL WHERE user_id = ? AND held_by = ? AND pending_version IS NOT NULL',
    ),
    restore: db.prepare(`UPDATE credentials SET hash = previous_hash, previous_hash = NULL, pending_version = NULL, updated_at = ?
      WHERE user_id = ? AND held_by = ? AND pending_version IS NOT NULL`),
    abandoned: db.prepare<[number], { user_id: string }>(
      'SELECT user_id FROM credentials WHERE pending_version IS NOT NULL AND (held_until IS NULL OR held_until <= ?)',
    ),
    changeEmail: db.prepare('UPDATE credentials SET email = ?, updated_at = ? WHERE user_id = ?'),
    setHash: db.prepare('UPDATE credentials SET hash = ?, updated_at = ? WHERE user_id = ?'),
    byEmail: db.prepare<[string], Row>(`SELECT ${ROW} FROM credentials WHERE email = ?`),
    byUser: db.prepare<[string], Row>(`SELECT ${ROW} FROM credentials WHERE user_id = ?`),
    notBefore: db.prepare<[string], { not_before: number; renewed_by: string }>(
      'SELECT not_before, renewed_by FROM activation_links WHERE user_id = ?',
    ),
    renew: db.prepare(
      'INSERT INTO activation_links (user_id, not_before, renewed_by) VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET not_before = max(activation_links.not_before, excluded.not_before), renewed_by = excluded.renewed_by WHERE activation_links.renewed_by <> excluded.renewed_by',
    ),
    recordAudit: db.prepare(
      'INSERT INTO host_audit (key, user_id, at, by, type, summary) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING',
    ),
    auditOf: db.prepare<[string], { key: string; user_id: string; at: number; by: string; type: string; summary: string }>(
      'SELECT key, user_id, at, by, type, summary FROM host_audit WHERE user_id = ? ORDER BY at, key',
    ),
    adminHash: db.prepare<[string], { hash: string }>('SELECT hash FROM admins WHERE email = ?'),
    createAdmin: db.prepare('INSERT INTO admins (email, hash, created_at) VALUES (?, ?, ?) ON CONFLICT (email) DO NOTHING'),
    createSession: db.prepare('INSERT INTO sessions (token_hash, kind, subject, expires_at) VALUES (?, ?, ?, ?)'),
    findSession: db.prepare<[string, string, number], { subject: string }>(
      'SELECT subject FROM sessions WHERE token_hash = ? AND kind = ? AND expires_at > ?',
    ),
    deleteSession: db.prepare('DELETE FROM sessions WHERE token_hash = ?'),
    deleteSessionsOf: db.prepare('DELETE FROM sessions WHERE kind = ? AND subject = ? AND token_hash <> ?'),
    deleteExpired: db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
    secret: db.prepare<[string], { value: string }>('SELECT value FROM host_secrets WHERE name = ?'),
    bookmarks: db.prepare<[string], { items: string }>('SELECT items FROM host_bookmarks WHERE directory_id = ?'),
    setBookmarks: db.prepare(
      'INSERT INTO host_bookmarks (directory_id, items, updated_at) VALUES (?, ?, ?) ON CONFLICT (directory_id) DO UPDATE SET items = excluded.items, updated_at = excluded.updated_at',
    ),
    dismiss: db.prepare('INSERT INTO host_dismissed (user_id, notice_key) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    dismissed: db.prepare<[string], { notice_key: string }>('SELECT notice_key FROM host_dismissed WHERE user_id = ?'),
    putSecret: db.prepare('INSERT INTO host_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING'),
  };
  const run = <T>(f: () => T): Promise<T> => {
    try {
      return Promise.resolve(f());
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  };
  return {
    kind: 'sqlite',
    database: db,
    reserveEmail: (email, userId, options = {}) =>
      run(() => {
        try {
          st.reserve.run(email, userId, options.hash ?? null, Date.now(), options.confirmed === true ? 1 : 0);
          return 'reserved' as const;
        } catch (e) {
          if (isUnique(e)) return 'taken' as const;
          throw e;
        }
      }),
    releaseEmail: (email, userId) =>
      run(() => {
        st.release.run(email, userId);
      }),
    confirmEmail: (userId) =>
      run(() => {
        st.confirm.run(userId);
      }),
    unconfirmed: (before) => run(() => st.unconfirmed.all(before.getTime()).map((r) => ({ email: r.email, userId: r.user_id as UserId }))),
    holdCredential: (userId, holder, until, now) => run(() => st.hold.run(holder, until.getTime(), userId, now.getTime()).changes === 1),
    releaseCredential: (userId, holder) =>
      run(() => {
        st.unhold.run(userId, holder);
      }),
    beginChange: (userId, holder, { expected, hash, targetVersion }) =>
      run(() => st.begin.run(hash, targetVersion, Date.now(), userId, holder, expected).changes === 1),
    endChange: (userId, holder, outcome) =>
      run(() => (outcome === 'keep' ? st.keep.run(userId, holder) : st.restore.run(Date.now(), userId, holder)).changes === 1),
    abandonedChanges: (now) => run(() => st.abandoned.all(now.getTime()).map((r) => r.user_id as UserId)),
    changeEmail: (userId, email) =>
      run(() => {
        try {
          return st.changeEmail.run(email, Date.now(), userId).changes === 0 ? ('unknown' as const) : ('changed' as const);
        } catch (e) {
          if (isUnique(e)) return 'taken' as const;
          throw e;
        }
      }),
    setHash: (userId, hash) =>
      run(() => {
        st.setHash.run(hash, Date.now(), userId);
      }),
    credentialByEmail: (email) => run(() => toRow(st.byEmail.get(email))),
    credentialByUser: (userId) => run(() => toRow(st.byUser.get(userId))),
    activationNotBefore: (userId) =>
      run(() => {
        const row = st.notBefore.get(userId);
        return row === undefined ? undefined : new Date(row.not_before);
      }),
    renewActivation: (userId, key, at) =>
      run(() => {
        st.renew.run(userId, at.getTime(), key);
        const row = st.notBefore.get(userId);
        if (row === undefined) throw new Error('the activation link could not be renewed');
        return new Date(row.not_before);
      }),
    recordAudit: (e) =>
      run(() => {
        st.recordAudit.run(e.key, e.userId, e.at.getTime(), e.by, e.type, e.summary);
      }),
    auditOf: (userId) =>
      run(() =>
        st.auditOf
          .all(userId)
          .map((r) => ({ key: r.key, userId: r.user_id as UserId, at: new Date(r.at), by: r.by, type: r.type, summary: r.summary })),
      ),
    adminHash: (email) => run(() => st.adminHash.get(email)?.hash),
    createAdmin: (email, hash) => run(() => st.createAdmin.run(email, hash, Date.now()).changes === 1),
    createSession: (tokenHash, kind, subject, expiresAt) =>
      run(() => {
        st.deleteExpired.run(Date.now());
        st.createSession.run(tokenHash, kind, subject, expiresAt.getTime());
      }),
    findSession: (tokenHash, kind: SessionKind, now) => run(() => st.findSession.get(tokenHash, kind, now.getTime())?.subject),
    deleteSession: (tokenHash) =>
      run(() => {
        st.deleteSession.run(tokenHash);
      }),
    deleteSessionsOf: (kind, subject, except) =>
      run(() => {
        st.deleteSessionsOf.run(kind, subject, except ?? '');
      }),
    secret: (name, make) =>
      run(() => {
        const existing = st.secret.get(name);
        if (existing !== undefined) return existing.value;
        st.putSecret.run(name, make());
        const stored = st.secret.get(name);
        if (stored === undefined) throw new Error(`host secret ${name} could not be stored`);
        return stored.value;
      }),
    bookmarks: (directoryId) => run(() => st.bookmarks.get(directoryId)?.items),
    setBookmarks: (directoryId, json) =>
      run(() => {
        st.setBookmarks.run(directoryId, json, Date.now());
      }),
    dismiss: (userId, keys) =>
      run(() => {
        db.transaction(() => {
          for (const k of keys) st.dismiss.run(userId, k);
        })();
      }),
    dismissed: (userId) => run(() => new Set(st.dismissed.all(userId).map((r) => r.notice_key))),
    ping: () =>
      run(() => {
        db.prepare('SELECT 1').get();
      }),
    close: () =>
      run(() => {
        if (db.open) db.close();
      }),
  };
};
