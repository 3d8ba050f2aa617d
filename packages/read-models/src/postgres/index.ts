// @takeover/read-models/postgres: the persisted read models in the PostgreSQL event store's schema.
import type { ClientBase, Pool } from 'pg';
import * as E from 'fp-ts/lib/Either.js';
import type { DirectoryId, UserId } from '@takeover/core';
import { directoriesFrom } from '@takeover/core';
import type { Checkpoint, CheckpointStore } from '@takeover/event-store';
import type {
  Clock,
  LinkedAccounts,
  OwedWorkSource,
  Projection,
  ProjectionTarget,
  StoredUserRow,
  TrackedUser,
  UserListView,
} from '@takeover/engine';
import { sortKeyOf, storedRowOf } from '@takeover/engine';
import type { TrackedDirectory } from '../userListFold.js';
import { foldBatch, touchedBy } from '../userListFold.js';
import type { Sql, Tables } from '../userListSql.js';
import { sqlUserListView } from '../userListView.js';

/** What the PostgreSQL event store offers a projection: its schema and checkpoints, saved inside the caller's transaction. */
export interface PostgresProjectionStore {
  readonly schema: string;
  readonly checkpoints: CheckpointStore;
  saveCheckpointIn(client: ClientBase, subscriptionId: string, checkpoint: Checkpoint): Promise<void>;
}

/** Numbers `?` placeholders as `$1, $2, …` (the builders never put a `?` in a literal). */
export const numbered = (sql: Sql): { text: string; values: unknown[] } => {
  let i = 0;
  return { text: sql.text.replace(/\?/g, () => `$${++i}`), values: [...sql.params] };
};

/** One transaction per batch on a client of the host's pool: rows and checkpoint commit together. */
export const postgresProjectionTarget = (pool: Pool, store: PostgresProjectionStore): ProjectionTarget<ClientBase> => ({
  transaction: async (work) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await work(client);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  },
  loadCheckpoint: async (name) => {
    const r = await store.checkpoints.load(name)();
    if (E.isLeft(r)) throw new Error(r.left.message);
    return r.right;
  },
  saveCheckpoint: (tx, name, checkpoint) => store.saveCheckpointIn(tx, name, checkpoint),
});

export const USER_LIST_PROJECTION = 'read-model-user-list';
const VERSION = 3; // 2: a user who has not activated reads as awaiting their first login, not paused; 3: external password changes, maintained counts
const LOCK_CLASS = 0x726d;
const USER_LOCK_CLASS = 0x726e;

const tablesIn = (schema: string): Tables => ({
  users: `"${schema}".rm_user_list`,
  bindings: `"${schema}".rm_user_directories`,
  directories: `"${schema}".rm_directories`,
  externalChanges: `"${schema}".rm_external_changes`,
  bindingCounts: `"${schema}".rm_binding_counts`,
  userCounts: `"${schema}".rm_user_counts`,
});

const createTables = async (pool: Pool, schema: string, T: Tables): Promise<void> => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, schema]);
    await client.query(`CREATE TABLE IF NOT EXISTS "${schema}".rm_versions (name text PRIMARY KEY, version int NOT NULL)`);
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM "${schema}".rm_versions WHERE name = $1`, [
      USER_LIST_PROJECTION,
    ]);
    if (rows[0]?.version !== VERSION) {
      await client.query(`DROP TABLE IF EXISTS ${T.users}, ${T.bindings}, ${T.directories}, ${T.externalChanges}, ${T.bindingCounts}, ${T.userCounts};
        CREATE TABLE ${T.users} (
          user_id text COLLATE "C" PRIMARY KEY, email text NOT NULL, email_key text COLLATE "C" NOT NULL, display_name text NOT NULL,
          name_key text COLLATE "C" NOT NULL, state text NOT NULL, password_status text NOT NULL, updated_at text COLLATE "C" NOT NULL, owed_work int NOT NULL, tracked jsonb NOT NULL,
          activation_sent int NOT NULL, bound int NOT NULL);
        CREATE INDEX rm_user_list_email ON ${T.users} (email_key, user_id);
        CREATE INDEX rm_user_list_name ON ${T.users} (name_key, user_id);
        CREATE INDEX rm_user_list_updated ON ${T.users} (updated_at, user_id);
        CREATE INDEX rm_user_list_state ON ${T.users} (state, email_key, user_id);
        CREATE INDEX rm_user_list_owed ON ${T.users} (user_id) WHERE owed_work = 1;
        CREATE TABLE ${T.bindings} (
          user_id text COLLATE "C" NOT NULL, directory_id text COLLATE "C" NOT NULL, sync text NOT NULL, reason text,
          lease_until bigint, expired_sync text, expired_reason text,
          external_key text, last_success_at text, completed_at text,
          linked int NOT NULL, account_suspended int NOT NULL, binding_mail_owed int NOT NULL, PRIMARY KEY (user_id, directory_id));
        CREATE INDEX rm_user_directories_sync ON ${T.bindings} (directory_id, sync, reason, user_id);
        CREATE INDEX rm_user_directories_any ON ${T.bindings} (sync, reason, user_id);
        CREATE INDEX rm_user_directories_lease ON ${T.bindings} (expired_sync, lease_until) WHERE lease_until IS NOT NULL;
        CREATE INDEX rm_user_directories_completed ON ${T.bindings} (directory_id, completed_at) WHERE completed_at IS NOT NULL;
        CREATE TABLE ${T.directories} (directory_id text COLLATE "C" PRIMARY KEY, revision int NOT NULL, state jsonb NOT NULL);
        CREATE TABLE ${T.externalChanges} (
          user_id text COLLATE "C" NOT NULL, directory_id text COLLATE "C" NOT NULL, source text NOT NULL, n int NOT NULL,
          PRIMARY KEY (user_id, directory_id, source));
        CREATE TABLE ${T.bindingCounts} (
          directory_id text COLLATE "C" NOT NULL, sync text NOT NULL, reason text NOT NULL, n bigint NOT NULL, PRIMARY KEY (directory_id, sync, reason));
        CREATE TABLE ${T.userCounts} (state text PRIMARY KEY, n bigint NOT NULL);`);
      await client.query(`DELETE FROM "${schema}".checkpoints WHERE subscription_id = $1`, [USER_LIST_PROJECTION]);
      await client.query(
        `INSERT INTO "${schema}".rm_versions (name, version) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET version = excluded.version`,
        [USER_LIST_PROJECTION, VERSION],
      );
    }
    // Added without a new version (no rebuild): the sweep's lookup of the users bound to an account (`linkedUsers`).
    await client.query(`CREATE INDEX IF NOT EXISTS rm_user_directories_account ON ${T.bindings} (directory_id, external_key)`);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
};

export interface PostgresUserListOptions {
  readonly clock?: Clock;
  readonly leaseMs?: number;
}

export interface PostgresUserList {
  readonly projection: Projection<ClientBase>;
  readonly view: UserListView & OwedWorkSource & LinkedAccounts;
}

/**
 * The user list in the event store's schema (created or rebuilt under an advisory lock, so several
 * instances may start at once). Run `projection` with `runProjections(store, postgresProjectionTarget(pool, store), [projection])`;
 * several instances may run it: users are locked (`FOR UPDATE`) and folded by stream revision, so a batch applied twice changes nothing.
 */
export const postgresUserList = async (
  pool: Pool,
  store: PostgresProjectionStore,
  options: PostgresUserListOptions = {},
): Promise<PostgresUserList> => {
  const T = tablesIn(store.schema);
  await createTables(pool, store.schema, T);
  const loadUsers = async (tx: ClientBase, ids: ReadonlyArray<string>, into: Map<UserId, TrackedUser>) => {
    if (ids.length === 0) return;
    const { rows } = await tx.query<{ user_id: string; tracked: TrackedUser }>(
      `SELECT user_id, tracked FROM ${T.users} WHERE user_id = ANY($1) ORDER BY user_id FOR UPDATE`,
      [ids],
    );
    for (const r of rows) into.set(r.user_id as UserId, r.tracked);
  };
  /**
   * The overview's and the list's counts, kept in the batch's transaction: the saved users' old rows
   * out, their new rows in, as one upsert in key order (the users are locked, so no other batch moves them meanwhile).
   */
  const recount = async (tx: ClientBase, rows: ReadonlyArray<{ row: StoredUserRow }>) => {
    const ids = rows.map((r) => r.row.userId);
    const [oldUsers, oldBindings] = await Promise.all([
      tx.query<{ state: string; n: string }>(`SELECT state, count(*) AS n FROM ${T.users} WHERE user_id = ANY($1) GROUP BY 1`, [ids]),
      tx.query<{ directory_id: string; sync: string; reason: string; n: string }>(
        `SELECT directory_id, sync, coalesce(reason, '') AS reason, count(*) AS n FROM ${T.bindings} WHERE user_id = ANY($1) GROUP BY 1, 2, 3`,
        [ids],
      ),
    ]);
    const users = new Map<string, number>();
    const bindings = new Map<string, number>();
    const add = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
    for (const u of oldUsers.rows) add(users, u.state, -Number(u.n));
    for (const b of oldBindings.rows) add(bindings, JSON.stringify([b.directory_id, b.sync, b.reason]), -Number(b.n));
    for (const { row } of rows) {
      add(users, row.state, 1);
      for (const d of row.directories) add(bindings, JSON.stringify([d.directoryId, d.sync, d.reason ?? '']), 1);
    }
    const u = [...users].filter(([, n]) => n !== 0).sort(([a], [b]) => (a < b ? -1 : 1));
    if (u.length > 0)
      await tx.query(
        `INSERT INTO ${T.userCounts} (state, n) SELECT * FROM unnest($1::text[], $2::bigint[])
        ON CONFLICT (state) DO UPDATE SET n = ${T.userCounts}.n + excluded.n`,
        [u.map(([k]) => k), u.map(([, n]) => n)],
      );
    const b = [...bindings]
      .filter(([, n]) => n !== 0)
      .map(([k, n]) => [...(JSON.parse(k) as [string, string, string]), n] as const)
      .sort((x, y) => (JSON.stringify(x.slice(0, 3)) < JSON.stringify(y.slice(0, 3)) ? -1 : 1));
    if (b.length > 0)
      await tx.query(
        `INSERT INTO ${T.bindingCounts} (directory_id, sync, reason, n) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
        ON CONFLICT (directory_id, sync, reason) DO UPDATE SET n = ${T.bindingCounts}.n + excluded.n`,
        [b.map((x) => x[0]), b.map((x) => x[1]), b.map((x) => x[2]), b.map((x) => x[3])],
      );
  };
  const save = async (tx: ClientBase, rows: ReadonlyArray<{ row: StoredUserRow; tracked: TrackedUser }>) => {
    if (rows.length === 0) return;
    await recount(tx, rows);
    await tx.query(
      `INSERT INTO ${T.users} (user_id, email, email_key, display_name, name_key, state, password_status, updated_at, owed_work, tracked, activation_sent, bound)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::jsonb[], $11::int[], $12::int[])
      ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, email_key = excluded.email_key, display_name = excluded.display_name,
      name_key = excluded.name_key, state = excluded.state, password_status = excluded.password_status, updated_at = excluded.updated_at, owed_work = excluded.owed_work, tracked = excluded.tracked,
      activation_sent = excluded.activation_sent, bound = excluded.bound`,
      [
        rows.map((r) => r.row.userId),
        rows.map((r) => r.row.email),
        rows.map((r) => sortKeyOf(r.row, 'email')),
        rows.map((r) => r.row.displayName),
        rows.map((r) => sortKeyOf(r.row, 'name')),
        rows.map((r) => r.row.state),
        rows.map((r) => r.row.passwordStatus),
        rows.map((r) => r.row.updatedAt),
        rows.map((r) => (r.row.owedWork ? 1 : 0)),
        rows.map((r) => JSON.stringify(r.tracked)),
        rows.map((r) => (r.row.activationSent ? 1 : 0)),
        rows.map((r) => r.row.directories.length),
      ],
    );
    // Counts only grow (a user without any never had one): an upsert, nothing to delete.
    const x = rows.flatMap((r) => r.row.externalChanges.map((c) => ({ u: r.row.userId, c })));
    if (x.length > 0)
      await tx.query(
        `INSERT INTO ${T.externalChanges} (user_id, directory_id, source, n)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[])
        ON CONFLICT (user_id, directory_id, source) DO UPDATE SET n = excluded.n`,
        [x.map((e) => e.u), x.map((e) => e.c.directoryId), x.map((e) => e.c.source), x.map((e) => e.c.count)],
      );
    await tx.query(`DELETE FROM ${T.bindings} WHERE user_id = ANY($1)`, [rows.map((r) => r.row.userId)]);
    const b = rows.flatMap((r) => r.row.directories.map((d) => ({ u: r.row.userId, d })));
    if (b.length === 0) return;
    await tx.query(
      `INSERT INTO ${T.bindings} (user_id, directory_id, sync, reason, lease_until, expired_sync, expired_reason, external_key, last_success_at, completed_at,
      linked, account_suspended, binding_mail_owed)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
      $11::int[], $12::int[], $13::int[])`,
      [
        b.map((x) => x.u),
        b.map((x) => x.d.directoryId),
        b.map((x) => x.d.sync),
        b.map((x) => x.d.reason ?? null),
        b.map((x) => x.d.leaseUntil ?? null),
        b.map((x) => x.d.expiredSync ?? null),
        b.map((x) => x.d.expiredReason ?? null),
        b.map((x) => x.d.externalKey ?? null),
        b.map((x) => x.d.lastSuccessAt ?? null),
        b.map((x) => x.d.completedAt ?? null),
        b.map((x) => (x.d.linked ? 1 : 0)),
        b.map((x) => (x.d.accountSuspended ? 1 : 0)),
        b.map((x) => (x.d.bindingMailOwed ? 1 : 0)),
      ],
    );
  };
  const projection: Projection<ClientBase> = {
    name: USER_LIST_PROJECTION,
    apply: async (tx, events) => {
      const touched = touchedBy(events);
      // A user not in the table yet cannot be locked FOR UPDATE: an advisory lock per user (in one
      // order) makes a second instance applying the same batch wait, then skip it by revision, so
      // the maintained counts never take a user twice.
      if (touched.users.length > 0)
        await tx.query(
          `SELECT pg_advisory_xact_lock(${String(USER_LOCK_CLASS)}, h) FROM (SELECT DISTINCT hashtext(u) AS h FROM unnest($1::text[]) AS u ORDER BY 1) AS k`,
          [touched.users],
        );
      const users = new Map<UserId, TrackedUser>();
      await loadUsers(tx, touched.users, users);
      if (touched.directories.length > 0)
        await tx.query(`SELECT 1 FROM ${T.directories} WHERE directory_id = ANY($1) ORDER BY directory_id FOR UPDATE`, [
          touched.directories,
        ]);
      const { rows: dirRows } = await tx.query<{ directory_id: string; revision: number; state: TrackedDirectory['state'] }>(
        `SELECT * FROM ${T.directories}`,
      );
      const directories = new Map<DirectoryId, TrackedDirectory>(
        dirRows.map((r) => [r.directory_id as DirectoryId, { revision: r.revision, state: r.state }]),
      );
      const folded = foldBatch(events, users, directories);
      for (const id of folded.changedDirectories) {
        const d = folded.directories.get(id);
        if (d !== undefined) {
          await tx.query(
            `INSERT INTO ${T.directories} (directory_id, revision, state) VALUES ($1, $2, $3)
            ON CONFLICT (directory_id) DO UPDATE SET revision = excluded.revision, state = excluded.state`,
            [id, d.revision, JSON.stringify(d.state)],
          );
        }
      }
      const all = new Map(folded.users);
      const redo = new Set(folded.changedUsers);
      if (folded.changedDirectories.size > 0) {
        const { rows } = await tx.query<{ user_id: string }>(`SELECT DISTINCT user_id FROM ${T.bindings} WHERE directory_id = ANY($1)`, [
          [...folded.changedDirectories],
        ]);
        await loadUsers(
          tx,
          rows.map((r) => r.user_id).filter((id) => !all.has(id as UserId)),
          all,
        );
        for (const r of rows) redo.add(r.user_id as UserId);
      }
      const dirs = directoriesFrom([...folded.directories.values()].map((d) => d.state));
      const out: Array<{ row: StoredUserRow; tracked: TrackedUser }> = [];
      for (const id of [...redo].sort()) {
        const tracked = all.get(id);
        const row = tracked === undefined ? undefined : storedRowOf(tracked, dirs, options.leaseMs);
        if (tracked !== undefined && row !== undefined) out.push({ row, tracked });
      }
      await save(tx, out);
    },
  };
  const view = sqlUserListView(
    {
      all: async <R>(sql: Sql) => {
        const q = numbered(sql);
        return (await pool.query(q.text, q.values)).rows as R[];
      },
    },
    T,
    options,
  );
  return { projection, view };
};

export {
  postgresReadSide,
  postgresAuditLog,
  postgresPortalNotifications,
  postgresWhyView,
  postgresDirectoryHealth,
  createReadSideTables,
  readSideSchema,
} from './readSide.js';
export type { PostgresReadSide, PostgresQueryable } from './readSide.js';
export { postgresSweepCursors } from './sweepCursors.js';
