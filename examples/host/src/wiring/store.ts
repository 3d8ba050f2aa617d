// The event store the configuration names: SQLite under DATA_DIR (default), PostgreSQL, or EventStoreDB.
import * as E from 'fp-ts/lib/Either.js';
import { EventStoreDBClient } from '@eventstore/db-client';
import type { EventStore } from '@takeover/event-store';
import { openSqliteEventStore } from '@takeover/event-store-sqlite';
import { connectPostgresEventStore } from '@takeover/event-store-postgres';
import { eventStoreDbEventStore } from '@takeover/event-store-eventstoredb';
import type { StoreConfig } from '../config.js';
import { restrictToOwner } from '../db/sqliteHostDb.js';

export interface OpenedStore {
  readonly store: EventStore;
  /** Where it is, for logs and the console (never a password). */
  readonly description: string;
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
      const opened = openSqliteEventStore({ path: config.path });
      if (E.isLeft(opened)) throw new Error(`cannot open the event store ${config.path}: ${opened.left.reason}`);
      restrictToOwner(config.path);
      return { store: opened.right, description: `SQLite ${config.path}`, close: () => opened.right.close() };
    }
    case 'postgres': {
      const opened = await connectPostgresEventStore(config.url, { schema: config.schema })();
      if (E.isLeft(opened)) throw new Error(`cannot open the event store in PostgreSQL (DATABASE_URL): ${opened.left.reason}`);
      return {
        store: opened.right,
        description: `PostgreSQL ${withoutPassword(config.url)} schema ${config.schema}`,
        close: () => opened.right.close(),
      };
    }
    case 'eventstoredb': {
      const client = EventStoreDBClient.connectionString(config.url);
      const store = eventStoreDbEventStore(client);
      return {
        store,
        description: `EventStoreDB ${withoutPassword(config.url)}`,
        close: async () => {
          await store.close();
          await client.dispose();
        },
      };
    }
  }
};
