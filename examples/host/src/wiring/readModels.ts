// The read models kept in a database rather than in memory (issue 13): the user list, the audit log,
// the portal's notifications, "why" and directory health in the event store's own database (SQLite
// file or PostgreSQL schema); with EventStoreDB, in a SQLite file under
// DATA_DIR (the read side of a CQRS deployment lives beside the event store, not in it).
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import type {
  AuditLog,
  DirectoryHealthView,
  LinkedAccounts,
  OwedWorkSource,
  PortalNotifications,
  RunningProjections,
  SweepCursorStore,
  UserListView,
  WhyView,
} from '@takeover/engine';
import { runProjections } from '@takeover/engine';
import type { ProjectionRunnerOptions } from '@takeover/engine';
import { openSqliteEventStore } from '@takeover/event-store-sqlite';
import { sqliteProjectionTarget, sqliteReadSide, sqliteSweepCursors, sqliteUserList } from '@takeover/read-models/sqlite';
import { postgresProjectionTarget, postgresReadSide, postgresSweepCursors, postgresUserList } from '@takeover/read-models/postgres';
import type { StoreConfig } from '../config.js';
import { restrictToOwner } from '../db/sqliteHostDb.js';
import type { OpenedStore } from './store.js';

/** Events per projection batch on PostgreSQL (the runner's default, 500, elsewhere: SQLite's batches are synchronous). */
const POSTGRES_BATCH = 2_000;

export interface PersistedReadSide {
  readonly users: UserListView & OwedWorkSource & LinkedAccounts;
  /** The external-change sweep's cursors: a row per directory beside the read models. */
  readonly sweepCursors: SweepCursorStore;
  readonly audit: AuditLog;
  readonly notifications: PortalNotifications;
  readonly why: WhyView;
  readonly health: DirectoryHealthView;
  readonly running: RunningProjections;
  /** Where the rows are, for the start-up log. */
  readonly description: string;
  readonly close: () => Promise<void>;
}

/**
 * Opens the persisted read models and starts their projections, which resume from the checkpoints
 * committed with their rows (no replay of the history). `pool`: the host's PostgreSQL pool when it
 * has one on the same database (one pool, fewer connections).
 */
export const openReadModels = async (
  opened: OpenedStore,
  config: { readonly store: StoreConfig; readonly dataDir: string },
  pool?: pg.Pool,
  options: ProjectionRunnerOptions = {},
): Promise<PersistedReadSide> => {
  switch (opened.home.kind) {
    case 'sqlite': {
      const store = opened.home.store;
      const users = sqliteUserList(store);
      const { projections, ...views } = sqliteReadSide(store.database);
      const running = runProjections(opened.store, sqliteProjectionTarget(store), [users.projection, ...projections], options);
      return {
        users: users.view,
        sweepCursors: sqliteSweepCursors(store.database),
        ...views,
        running,
        description: 'the event store file',
        close: () => running.stop(),
      };
    }
    case 'postgres': {
      const store = opened.home.store;
      const own =
        pool === undefined && config.store.kind === 'postgres' ? new pg.Pool({ connectionString: config.store.url, max: 4 }) : undefined;
      const using = pool ?? own;
      if (using === undefined) throw new Error('read models: no PostgreSQL pool for the event store schema');
      const users = await postgresUserList(using, store);
      const { projections, ...views } = await postgresReadSide(using, store);
      // Each batch costs a transaction per projection (its advisory lock, its checkpoint, a commit)
      // and a bounded number of statements whatever its size: a first catch-up over a long history
      // runs about a quarter faster in batches of 2,000 than of 500. Live, a batch is what was appended since the last one.
      const running = runProjections(opened.store, postgresProjectionTarget(using, store), [users.projection, ...projections], {
        batchSize: POSTGRES_BATCH,
        ...options,
      });
      return {
        users: users.view,
        sweepCursors: await postgresSweepCursors(using, store.schema),
        ...views,
        running,
        description: `the event store schema ${store.schema}`,
        close: async () => {
          await running.stop();
          await own?.end();
        },
      };
    }
    case 'eventstoredb': {
      const path = join(config.dataDir, 'read-models.db');
      const home = await openSqliteEventStore({ path })();
      if (E.isLeft(home)) throw new Error(`cannot open the read models' file ${path}: ${home.left.message}`);
      restrictToOwner(path);
      const users = sqliteUserList(home.right);
      const { projections, ...views } = sqliteReadSide(home.right.database);
      const running = runProjections(opened.store, sqliteProjectionTarget(home.right), [users.projection, ...projections], options);
      return {
        users: users.view,
        sweepCursors: sqliteSweepCursors(home.right.database),
        ...views,
        running,
        description: path,
        close: async () => {
          await running.stop();
          await home.right.close();
        },
      };
    }
  }
};
