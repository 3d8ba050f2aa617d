// The host's tables in PostgreSQL (DATABASE_URL), in the same schema as the events: several host
// instances share credentials, sessions, secrets and throttling.
import pg from 'pg';
import type { Pool } from 'pg';
import type { UserId } from '@takeover/core';
import type { CredentialRow, HostDb } from './hostDb.js';

const schemaSql = (q: string) => `
CREATE SCHEMA IF NOT EXISTS ${q};
CREATE TABLE IF NOT EXISTS ${q}.host_credentials (email TEXT PRIMARY KEY, user_id TEXT NOT NULL UNIQUE, hash TEXT, updated_at TIMESTAMPTZ NOT NULL DEFAULT now());
ALTER TABLE ${q}.host_credentials ADD COLUMN IF NOT EXISTS confirmed BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE ${q}.host_credentials ADD COLUMN IF NOT EXISTS held_by TEXT;
ALTER TABLE ${q}.host_credentials ADD COLUMN IF NOT EXISTS held_until TIMESTAMPTZ;
ALTER TABLE ${q}.host_credentials ADD COLUMN IF NOT EXISTS previous_hash TEXT;
ALTER TABLE ${q}.host_credentials ADD COLUMN IF NOT EXISTS pending_version INTEGER;
CREATE TABLE IF NOT EXISTS ${q}.host_admins (email TEXT PRIMARY KEY, hash TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS ${q}.host_sessions (token_hash TEXT PRIMARY KEY, kind TEXT NOT NULL, subject TEXT NOT NULL, expires_at TIMESTAMPTZ NOT NULL);
CREATE INDEX IF NOT EXISTS host_sessions_subject ON ${q}.host_sessions (kind, subject);
CREATE TABLE IF NOT EXISTS ${q}.host_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ${q}.host_bookmarks (directory_id TEXT PRIMARY KEY, items TEXT NOT NULL, updated_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS ${q}.host_dismissed (user_id TEXT NOT NULL, notice_key TEXT NOT NULL, PRIMARY KEY (user_id, notice_key));
CREATE TABLE IF NOT EXISTS ${q}.host_activation_links (user_id TEXT PRIMARY KEY, not_before BIGINT NOT NULL, renewed_by TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ${q}.host_audit (key TEXT PRIMARY KEY, user_id TEXT NOT NULL, at TIMESTAMPTZ NOT NULL, by TEXT NOT NULL, type TEXT NOT NULL, summary TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS host_audit_user ON ${q}.host_audit (user_id, at);
`;

interface Row {
  readonly email: string;
  readonly user_id: string;
  readonly hash: string | null;
  readonly previous_hash: string | null;
  readonly pending_version: number | null;
  readonly held_until: Date | null;
}
const toRow = (r: Row | undefined): CredentialRow | undefined => {
  if (r === undefined) return undefined;
  const row = { email: r.email, userId: r.user_id as UserId, hash: r.hash };
  return r.pending_version === null
    ? row
    : { ...row, pending: { previousHash: r.previous_hash, targetVersion: r.pending_version, heldUntil: r.held_until } };
};
const ROW = 'email, user_id, hash, previous_hash, pending_version, held_until';
const isUnique = (e: unknown): boolean => typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505';

export interface PostgresHostDb extends HostDb {
  readonly pool: Pool;
  readonly schema: string;
}

/** Opens a pool (ended by `close`) and creates the tables if missing. */
export const openPostgresHostDb = async (url: string, schema: string): Promise<PostgresHostDb> => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new TypeError(`schema must be a plain lower-case identifier: ${schema}`);
  const q = `"${schema}"`;
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => undefined); // an idle client's error; the next query reports it
  try {
    const client = await pool.connect();
    try {
      // Two instances starting at once: serialise the DDL.
      await client.query('SELECT pg_advisory_lock(hashtext($1))', [`takeover-host-schema/${schema}`]);
      await client.query(schemaSql(q));
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`takeover-host-schema/${schema}`]).catch(() => undefined);
      client.release();
    }
  } catch (e) {
    await pool.end();
    throw e;
  }
  const one = async <T extends pg.QueryResultRow>(sql: string, args: ReadonlyArray<unknown>): Promise<T | undefined> =>
    (await pool.query<T>(sql, [...args])).rows[0];
  return {
    kind: 'postgres',
    pool,
    schema,
    reserveEmail: async (email, userId, options = {}) => {
      try {
        await pool.query(`INSERT INTO ${q}.host_credentials (email, user_id, hash, confirmed) VALUES ($1, $2, $3, $4)`, [
          email,
          userId,
          options.hash ?? null,
          options.confirmed === true,
        ]);
        return 'reserved';
      } catch (e) {
        if (isUnique(e)) return 'taken';
        throw e;
      }
    },
    releaseEmail: async (email, userId) => {
      await pool.query(`DELETE FROM ${q}.host_credentials WHERE email = $1 AND user_id = $2 AND NOT confirmed`, [email, userId]);
    },
    confirmEmail: async (userId) => {
      await pool.query(`UPDATE ${q}.host_credentials SET confirmed = TRUE WHERE user_id = $1`, [userId]);
    },
    unconfirmed: async (before) =>
      (await pool.query<Row>(`SELECT ${ROW} FROM ${q}.host_credentials WHERE NOT confirmed AND updated_at < $1`, [before])).rows.map(
        (r) => ({ email: r.email, userId: r.user_id as UserId }),
      ),
    holdCredential: async (userId, holder, until, now) =>
      (
        await pool.query(
          `UPDATE ${q}.host_credentials SET held_by = $1, held_until = $2 WHERE user_id = $3 AND (held_until IS NULL OR held_until <= $4)`,
          [holder, until, userId, now],
        )
      ).rowCount === 1,
    releaseCredential: async (userId, holder) => {
      await pool.query(`UPDATE ${q}.host_credentials SET held_by = NULL, held_until = NULL WHERE user_id = $1 AND held_by = $2`, [
        userId,
        holder,
      ]);
    },
    beginChange: async (userId, holder, { expected, hash, targetVersion }) =>
      (
        await pool.query(
          `UPDATE ${q}.host_credentials SET hash = $1, previous_hash = hash, pending_version = $2, updated_at = now()
         WHERE user_id = $3 AND held_by = $4 AND hash IS NOT DISTINCT FROM $5 AND pending_version IS NULL`,
          [hash, targetVersion, userId, holder, expected],
        )
      ).rowCount === 1,
    endChange: async (userId, holder, outcome) =>
      (
        await pool.query(
          outcome === 'keep'
            ? `UPDATE ${q}.host_credentials SET previous_hash = NULL, pending_version = NULL WHERE user_id = $1 AND held_by = $2 AND pending_version IS NOT NULL`
            : `UPDATE ${q}.host_credentials SET hash = previous_hash, previous_hash = NULL, pending_version = NULL, updated_at = now()
             WHERE user_id = $1 AND held_by = $2 AND pending_version IS NOT NULL`,
          [userId, holder],
        )
      ).rowCount === 1,
    abandonedChanges: async (now) =>
      (
        await pool.query<{ user_id: string }>(
          `SELECT user_id FROM ${q}.host_credentials WHERE pending_version IS NOT NULL AND (held_until IS NULL OR held_until <= $1)`,
          [now],
        )
      ).rows.map((r) => r.user_id as UserId),
    changeEmail: async (userId, email) => {
      try {
        const r = await pool.query(`UPDATE ${q}.host_credentials SET email = $1, updated_at = now() WHERE user_id = $2`, [email, userId]);
        return r.rowCount === 0 ? 'unknown' : 'changed';
      } catch (e) {
        if (isUnique(e)) return 'taken';
        throw e;
      }
    },
    setHash: async (userId, hash) => {
      await pool.query(`UPDATE ${q}.host_credentials SET hash = $1, updated_at = now() WHERE user_id = $2`, [hash, userId]);
    },
    credentialByEmail: async (email) => toRow(await one<Row>(`SELECT ${ROW} FROM ${q}.host_credentials WHERE email = $1`, [email])),
    credentialByUser: async (userId) => toRow(await one<Row>(`SELECT ${ROW} FROM ${q}.host_credentials WHERE user_id = $1`, [userId])),
    activationNotBefore: async (userId) => {
      const row = await one<{ not_before: string }>(`SELECT not_before FROM ${q}.host_activation_links WHERE user_id = $1`, [userId]);
      return row === undefined ? undefined : new Date(Number(row.not_before));
    },
    renewActivation: async (userId, key, at) => {
      const row = await one<{ not_before: string }>(
        `INSERT INTO ${q}.host_activation_links AS a (user_id, not_before, renewed_by) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET not_before = CASE WHEN a.renewed_by = excluded.renewed_by THEN a.not_before ELSE GREATEST(a.not_before, excluded.not_before) END,
           renewed_by = excluded.renewed_by
         RETURNING not_before`,
        [userId, at.getTime(), key],
      );
      if (row === undefined) throw new Error('the activation link could not be renewed');
      return new Date(Number(row.not_before));
    },
    recordAudit: async (e) => {
      await pool.query(
        `INSERT INTO ${q}.host_audit (key, user_id, at, by, type, summary) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING`,
        [e.key, e.userId, e.at, e.by, e.type, e.summary],
      );
    },
    auditOf: async (userId) =>
      (
        await pool.query<{ key: string; user_id: string; at: Date; by: string; type: string; summary: string }>(
          `SELECT key, user_id, at, by, type, summary FROM ${q}.host_audit WHERE user_id = $1 ORDER BY at, key`,
          [userId],
        )
      ).rows.map((r) => ({ key: r.key, userId: r.user_id as UserId, at: r.at, by: r.by, type: r.type, summary: r.summary })),
    adminHash: async (email) => (await one<{ hash: string }>(`SELECT hash FROM ${q}.host_admins WHERE email = $1`, [email]))?.hash,
    createAdmin: async (email, hash) =>
      (await pool.query(`INSERT INTO ${q}.host_admins (email, hash) VALUES ($1, $2) ON CONFLICT (email) DO NOTHING`, [email, hash]))
        .rowCount === 1,
    createSession: async (tokenHash, kind, subject, expiresAt) => {
      await pool.query(`DELETE FROM ${q}.host_sessions WHERE expires_at <= now()`);
      await pool.query(`INSERT INTO ${q}.host_sessions (token_hash, kind, subject, expires_at) VALUES ($1, $2, $3, $4)`, [
        tokenHash,
        kind,
        subject,
        expiresAt,
      ]);
    },
    findSession: async (tokenHash, kind, now) =>
      (
        await one<{ subject: string }>(`SELECT subject FROM ${q}.host_sessions WHERE token_hash = $1 AND kind = $2 AND expires_at > $3`, [
          tokenHash,
          kind,
          now,
        ])
      )?.subject,
    deleteSession: async (tokenHash) => {
      await pool.query(`DELETE FROM ${q}.host_sessions WHERE token_hash = $1`, [tokenHash]);
    },
    deleteSessionsOf: async (kind, subject, except) => {
      await pool.query(`DELETE FROM ${q}.host_sessions WHERE kind = $1 AND subject = $2 AND token_hash <> $3`, [
        kind,
        subject,
        except ?? '',
      ]);
    },
    secret: async (name, make) => {
      await pool.query(`INSERT INTO ${q}.host_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [name, make()]);
      const row = await one<{ value: string }>(`SELECT value FROM ${q}.host_secrets WHERE name = $1`, [name]);
      if (row === undefined) throw new Error(`host secret ${name} could not be stored`);
      return row.value;
    },
    bookmarks: async (directoryId) =>
      (await one<{ items: string }>(`SELECT items FROM ${q}.host_bookmarks WHERE directory_id = $1`, [directoryId]))?.items,
    setBookmarks: async (directoryId, json) => {
      await pool.query(
        `INSERT INTO ${q}.host_bookmarks (directory_id, items) VALUES ($1, $2) ON CONFLICT (directory_id) DO UPDATE SET items = excluded.items, updated_at = now()`,
        [directoryId, json],
      );
    },
    dismiss: async (userId, keys) => {
      if (keys.length > 0)
        await pool.query(`INSERT INTO ${q}.host_dismissed (user_id, notice_key) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`, [
          userId,
          [...keys],
        ]);
    },
    dismissed: async (userId) =>
      new Set(
        (await pool.query<{ notice_key: string }>(`SELECT notice_key FROM ${q}.host_dismissed WHERE user_id = $1`, [userId])).rows.map(
          (r) => r.notice_key,
        ),
      ),
    ping: async () => {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
};
