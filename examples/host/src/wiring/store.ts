// The event store the configuration names: SQLite under DATA_DIR (default), PostgreSQL, or EventStoreDB.
// EventStoreDB's client (gRPC, protobuf: the largest module graph the host has) is loaded only when
// it is the store, so the other stores' starts do not pay for it.
import * as E from 'fp-ts/lib/Either.js';
import type { EventStore } from '@takeover/event-store';
import type { SqliteEventStore } from '@takeover/event-store-sqlite';
import { openSqliteEventStore } from '@takeover/event-store-sqlite';
import type { SharedBudget } from '@takeover/engine';
import type { PostgresEventStore } from '@takeover/event-store-postgres';
import { connectPostgresEventStore, createPostgresQuotaBudget } from '@takeover/event-store-postgres';
import type { StoreConfig } from '../config.js';
import { restrictToOwner } from '../db/sqliteHostDb.js';

export interface OpenedStore {
  readonly store: EventStore;
  /** Where it is, for logs and the console (never a password). */
  readonly description: string;
  /** Each directory's request budget shared by every instance on the same database (PostgreSQL only). */
  readonly budget?: SharedBudget;
  /** The concrete store, for the read models kept in its own database (wiring/readModels.ts). */
  readonly home:
    | { readonly kind: 'sqlite'; readonly store: SqliteEventStore }
    | { readonly kind: 'postgres'; readonly store: PostgresEventStore }
    | { readonly kind: 'eventstoredb' };
  readonly close: () => Promise<void>;
}

const withoutPassword = (url: string): string => {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
};

export const openStore = async (config: StoreConfig): Promise<OpenedStore> => {
  switch (config.kind) {
    case 'sqlite': {
      const opened = await openSqliteEventStore({ path: config.path })();
      if (E.isLeft(opened)) throw new Error(`cannot open the event store ${config.path}: ${opened.left.message}`);
      restrictToOwner(config.path);
      return {
        store: opened.right,
        home: { kind: 'sqlite', store: opened.right },
        description: `SQLite ${config.path}`,
        close: () => opened.right.close(),
      };
    }
    case 'postgres': {
      const opened = await connectPostgresEventStore(config.url, { schema: config.schema })();
      if (E.isLeft(opened)) throw new Error(`cannot open the event store in PostgreSQL (DATABASE_URL): ${opened.left.message}`);
      const budget = await createPostgresQuotaBudget({ pool: opened.right.pool, schema: config.schema })();
      if (E.isLeft(budget)) {
        await opened.right.close();
        throw new Error(`cannot open the shared quota budget in PostgreSQL (DATABASE_URL): ${budget.left.message}`);
      }
      return {
        store: opened.right,
        budget: budget.right,
        home: { kind: 'postgres', store: opened.right },
        description: `PostgreSQL ${withoutPassword(config.url)} schema ${config.schema}`,
        close: async () => {
          await budget.right.close();
          await opened.right.close();
        },
      };
    }
    case 'eventstoredb': {
      const [{ EventStoreDBClient }, { eventStoreDbEventStore }] = await Promise.all([
        import('@eventstore/db-client'),
        import('@takeover/event-store-eventstoredb'),
      ]);
      const client = EventStoreDBClient.connectionString(config.url);
      const opened = await eventStoreDbEventStore(client)();
      if (E.isLeft(opened)) {
        await client.dispose();
        throw new Error(`cannot open the event store in EventStoreDB: ${opened.left.message}`);
      }
      const store = opened.right;
      return {
        store,
        home: { kind: 'eventstoredb' },
        description: `EventStoreDB ${withoutPassword(config.url)}`,
        close: async () => {
          await store.close();
          await client.dispose();
        },
      };
    }
  }
};
