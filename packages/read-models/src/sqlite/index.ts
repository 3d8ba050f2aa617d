// @takeover/read-models/sqlite: the persisted read models in the SQLite event store's own file.
import type { Database } from 'better-sqlite3';
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
import type { Tables } from '../userListSql.js';
import { sqlUserListView } from '../userListView.js';

/** What the SQLite event store offers a projection: its connection and its checkpoints (in the same file). */
export interface SqliteProjectionStore {
  readonly database: Database;
  readonly checkpoints: CheckpointStore;
  saveCheckpointSync(subscriptionId: string, checkpoint: Checkpoint): void;
}

/**
 * Projections in the event store's file, on its connection: better-sqlite3 is synchronous, so a
 * batch's rows and checkpoint are one `BEGIN IMMEDIATE` transaction that nothing can interleave with.
 */
export const sqliteProjectionTarget = (store: SqliteProjectionStore): ProjectionTarget<Database> => ({
  transaction: (work) =>
    new Promise<void>((resolve) => {
      store.database
        .transaction(() => {
          const r = work(store.database) as unknown;
          if (typeof (r as { then?: unknown } | undefined)?.then === 'function')
            throw new TypeError('a SQLite projection must apply synchronously (it returned a promise)');
        })
        .immediate();
      resolve();
    }),
  loadCheckpoint: async (name) => {
    const r = await store.checkpoints.load(name)();
    if (E.isLeft(r)) throw new Error(r.left.message);
    return r.right;
  },
  saveCheckpoint: (_tx, name, checkpoint) => {
    store.saveCheckpointSync(name, checkpoint);
  },
});

export const USER_LIST_PROJECTION = 'read-model-user-list';
/** Bump when the tables or what is folded into them change: the projection's tables are dropped and rebuilt from the start. */
const VERSION = 3; // 2: a user who has not activated reads as awaiting their first login, not paused; 3: external password changes, maintained counts
const T: Tables = {
  users: 'rm_user_list',
  bindings: 'rm_user_directories',
  directories: 'rm_directories',
  externalChanges: 'rm_external_changes',
  bindingCounts: 'rm_binding_counts',
  userCounts: 'rm_user_counts',
};

const createTables = (db: Database, reset: () => void): void => {
  db.exec('CREATE TABLE IF NOT EXISTS rm_versions (name TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  const row = db.prepare<[string], { version: number }>('SELECT version FROM rm_versions WHERE name = ?').get(USER_LIST_PROJECTION);
  // Added without a new version (no rebuild): the sweep's lookup of the users bound to an account (`linkedUsers`).
  const accountIndex = `CREATE INDEX IF NOT EXISTS rm_user_directories_account ON ${T.bindings} (directory_id, external_key)`;
  if (row?.version === VERSION) {
    db.exec(accountIndex);
    return;
  }
  db.transaction(() => {
    db.exec(`DROP TABLE IF EXISTS ${T.users}; DROP TABLE IF EXISTS ${T.bindings}; DROP TABLE IF EXISTS ${T.directories}; DROP TABLE IF EXISTS ${T.externalChanges};
      DROP TABLE IF EXISTS ${T.bindingCounts}; DROP TABLE IF EXISTS ${T.userCounts};
      CREATE TABLE ${T.users} (
        user_id TEXT PRIMARY KEY, email TEXT NOT NULL, email_key TEXT NOT NULL, display_name TEXT NOT NULL, name_key TEXT NOT NULL,
        state TEXT NOT NULL, password_status TEXT NOT NULL, updated_at TEXT NOT NULL, owed_work INTEGER NOT NULL, tracked TEXT NOT NULL,
        activation_sent INTEGER NOT NULL, bound INTEGER NOT NULL) WITHOUT ROWID;
      CREATE INDEX rm_user_list_email ON ${T.users} (email_key, user_id);
      CREATE INDEX rm_user_list_name ON ${T.users} (name_key, user_id);
      CREATE INDEX rm_user_list_updated ON ${T.users} (updated_at, user_id);
      CREATE INDEX rm_user_list_state ON ${T.users} (state, email_key, user_id);
        CREATE INDEX rm_user_list_owed ON ${T.users} (user_id) WHERE owed_work = 1;
      CREATE TABLE ${T.bindings} (
        user_id TEXT NOT NULL, directory_id TEXT NOT NULL, sync TEXT NOT NULL, reason TEXT,
        lease_until INTEGER, expired_sync TEXT, expired_reason TEXT,
        external_key TEXT, last_success_at TEXT, completed_at TEXT,
        linked INTEGER NOT NULL, account_suspended INTEGER NOT NULL, binding_mail_owed INTEGER NOT NULL, PRIMARY KEY (user_id, directory_id)) WITHOUT ROWID;
      CREATE INDEX rm_user_directories_sync ON ${T.bindings} (directory_id, sync, reason, user_id);
      CREATE INDEX rm_user_directories_any ON ${T.bindings} (sync, reason, user_id);
      CREATE INDEX rm_user_directories_lease ON ${T.bindings} (expired_sync, lease_until) WHERE lease_until IS NOT NULL;
      CREATE INDEX rm_user_directories_completed ON ${T.bindings} (directory_id, completed_at) WHERE completed_at IS NOT NULL;
      CREATE TABLE ${T.directories} (directory_id TEXT PRIMARY KEY, revision INTEGER NOT NULL, state TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE ${T.externalChanges} (
        user_id TEXT NOT NULL, directory_id TEXT NOT NULL, source TEXT NOT NULL, n INTEGER NOT NULL,
        PRIMARY KEY (user_id, directory_id, source)) WITHOUT ROWID;
      CREATE TABLE ${T.bindingCounts} (
        directory_id TEXT NOT NULL, sync TEXT NOT NULL, reason TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (directory_id, sync, reason)) WITHOUT ROWID;
      CREATE TABLE ${T.userCounts} (state TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;`);
    db.exec(accountIndex);
    reset();
    db.prepare('INSERT INTO rm_versions (name, version) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET version = excluded.version').run(
      USER_LIST_PROJECTION,
      VERSION,
    );
  }).immediate();
};

export interface SqliteUserListOptions {
  /** Reads in-flight leases against it (default: the system clock). */
  readonly clock?: Clock;
  readonly leaseMs?: number;
}

export interface SqliteUserList {
  readonly projection: Projection<Database>;
  readonly view: UserListView & OwedWorkSource & LinkedAccounts;
}

/**
 * The user list (one row per user, one per user × bound directory, the directories) in the event
 * store's file. Creates its tables (a new table version drops them and its checkpoint: it rebuilds).
 * Run `projection` with `runProjections(store, sqliteProjectionTarget(store), [projection])`.
 */
export const sqliteUserList = (store: SqliteProjectionStore, options: SqliteUserListOptions = {}): SqliteUserList => {
  const db = store.database;
  createTables(db, () => {
    db.prepare('DELETE FROM checkpoints WHERE subscription_id = ?').run(USER_LIST_PROJECTION);
  });
  const st = {
    tracked: db.prepare<[string], { tracked: string }>(`SELECT tracked FROM ${T.users} WHERE user_id = ?`),
    directories: db.prepare<[], { directory_id: string; revision: number; state: string }>(`SELECT * FROM ${T.directories}`),
    boundTo: db.prepare<[string], { user_id: string }>(`SELECT user_id FROM ${T.bindings} WHERE directory_id = ?`),
    saveDirectory: db.prepare(`INSERT INTO ${T.directories} (directory_id, revision, state) VALUES (?, ?, ?)
      ON CONFLICT (directory_id) DO UPDATE SET revision = excluded.revision, state = excluded.state`),
    saveUser:
      db.prepare(`INSERT INTO ${T.users} (user_id, email, email_key, display_name, name_key, state, password_status, updated_at, owed_work, tracked, activation_sent, bound)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, email_key = excluded.email_key,
      display_name = excluded.display_name, name_key = excluded.name_key, state = excluded.state, password_status = excluded.password_status,
      updated_at = excluded.updated_at, owed_work = excluded.owed_work, tracked = excluded.tracked, activation_sent = excluded.activation_sent, bound = excluded.bound`),
    clearBindings: db.prepare(`DELETE FROM ${T.bindings} WHERE user_id = ?`),
    // The overview's and the list's counts, kept with the rows: the old row's contribution out, the new one's in.
    oldState: db.prepare<[string], { state: string }>(`SELECT state FROM ${T.users} WHERE user_id = ?`),
    oldBindings: db.prepare<[string], { directory_id: string; sync: string; reason: string | null }>(
      `SELECT directory_id, sync, reason FROM ${T.bindings} WHERE user_id = ?`,
    ),
    countBinding: db.prepare(`INSERT INTO ${T.bindingCounts} (directory_id, sync, reason, n) VALUES (?, ?, ?, ?)
      ON CONFLICT (directory_id, sync, reason) DO UPDATE SET n = n + excluded.n`),
    countUser: db.prepare(`INSERT INTO ${T.userCounts} (state, n) VALUES (?, ?) ON CONFLICT (state) DO UPDATE SET n = n + excluded.n`),
    // Counts only grow (a user without any never had one): an upsert, nothing to delete.
    saveExternal: db.prepare(`INSERT INTO ${T.externalChanges} (user_id, directory_id, source, n) VALUES (?, ?, ?, ?)
      ON CONFLICT (user_id, directory_id, source) DO UPDATE SET n = excluded.n`),
    saveBinding:
      db.prepare(`INSERT INTO ${T.bindings} (user_id, directory_id, sync, reason, lease_until, expired_sync, expired_reason, external_key, last_success_at, completed_at,
      linked, account_suspended, binding_mail_owed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
  };
  const loadUser = (id: string): TrackedUser | undefined => {
    const r = st.tracked.get(id);
    return r === undefined ? undefined : (JSON.parse(r.tracked) as TrackedUser);
  };
  const save = (row: StoredUserRow, tracked: TrackedUser) => {
    const before = st.oldState.get(row.userId);
    st.saveUser.run(
      row.userId,
      row.email,
      sortKeyOf(row, 'email'),
      row.displayName,
      sortKeyOf(row, 'name'),
      row.state,
      row.passwordStatus,
      row.updatedAt,
      row.owedWork ? 1 : 0,
      JSON.stringify(tracked),
      row.activationSent ? 1 : 0,
      row.directories.length,
    );
    for (const x of row.externalChanges) st.saveExternal.run(row.userId, x.directoryId, x.source, x.count);
    if (before !== undefined) st.countUser.run(before.state, -1);
    for (const b of st.oldBindings.all(row.userId)) st.countBinding.run(b.directory_id, b.sync, b.reason ?? '', -1);
    st.countUser.run(row.state, 1);
    for (const d of row.directories) st.countBinding.run(d.directoryId, d.sync, d.reason ?? '', 1);
    st.clearBindings.run(row.userId);
    for (const d of row.directories) {
      st.saveBinding.run(
        row.userId,
        d.directoryId,
        d.sync,
        d.reason ?? null,
        d.leaseUntil ?? null,
        d.expiredSync ?? null,
        d.expiredReason ?? null,
        d.externalKey ?? null,
        d.lastSuccessAt ?? null,
        d.completedAt ?? null,
        d.linked ? 1 : 0,
        d.accountSuspended ? 1 : 0,
        d.bindingMailOwed ? 1 : 0,
      );
    }
  };
  const projection: Projection<Database> = {
    name: USER_LIST_PROJECTION,
    apply: (_tx, events) => {
      const touched = touchedBy(events);
      const users = new Map<UserId, TrackedUser>();
      for (const id of touched.users) {
        const t = loadUser(id);
        if (t !== undefined) users.set(id, t);
      }
      const directories = new Map<DirectoryId, TrackedDirectory>(
        st.directories
          .all()
          .map((r) => [r.directory_id as DirectoryId, { revision: r.revision, state: JSON.parse(r.state) as TrackedDirectory['state'] }]),
      );
      const folded = foldBatch(events, users, directories);
      for (const id of folded.changedDirectories) {
        const d = folded.directories.get(id);
        if (d !== undefined) st.saveDirectory.run(id, d.revision, JSON.stringify(d.state));
      }
      const all = new Map(folded.users);
      const redo = new Set(folded.changedUsers);
      for (const dir of folded.changedDirectories) {
        for (const { user_id } of st.boundTo.all(dir)) {
          const id = user_id as UserId;
          if (!all.has(id)) {
            const t = loadUser(id);
            if (t !== undefined) all.set(id, t);
          }
          redo.add(id);
        }
      }
      const dirs = directoriesFrom([...folded.directories.values()].map((d) => d.state));
      for (const id of redo) {
        const tracked = all.get(id);
        const row = tracked === undefined ? undefined : storedRowOf(tracked, dirs, options.leaseMs);
        if (tracked !== undefined && row !== undefined) save(row, tracked);
      }
    },
  };
  const view = sqlUserListView(
    { all: <R>(sql: { text: string; params: ReadonlyArray<unknown> }) => Promise.resolve(db.prepare(sql.text).all(...sql.params) as R[]) },
    T,
    options,
  );
  return { projection, view };
};

export {
  sqliteReadSide,
  sqliteAuditLog,
  sqlitePortalNotifications,
  sqliteWhyView,
  sqliteDirectoryHealth,
  createReadSideTables,
  readSideSchema,
} from './readSide.js';
export type { SqliteReadSide } from './readSide.js';
export { sqliteSweepCursors, sweepCursorSchema } from './sweepCursors.js';
