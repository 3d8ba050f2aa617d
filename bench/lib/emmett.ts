// The peer: @event-driven-io/emmett-postgresql, driven through its public API in a schema of its own
// (it takes no schema option, so its connections get `search_path` set to that schema).
// Loading it changes process-wide `pg` type parsers (int8 → BigInt, json through its serializer);
// bench/run.ts runs each scenario in its own process, so this stays inside the emmett scenarios,
// and our store casts what it reads (::text), so its results are unaffected there.
import { dumbo } from '@event-driven-io/dumbo';
import { getPostgreSQLEventStore, readMessagesBatch, type PostgresEventStore } from '@event-driven-io/emmett-postgresql';
import type pg from 'pg';
import { connectionString, poolOf, type PgSettings } from './pg.js';

export interface EmmettMessage {
  readonly id: string;
  readonly streamName: string;
  readonly streamPosition: bigint;
  readonly type: string;
}

export interface Emmett {
  readonly store: PostgresEventStore;
  readonly pool: pg.Pool;
  /** One page of its global-order batch reader (`readMessagesBatch`), as its consumer pulls it. */
  readonly readBatch: (
    after: bigint,
    batchSize: number,
  ) => Promise<{ readonly messages: ReadonlyArray<EmmettMessage>; readonly next: bigint }>;
  readonly close: () => Promise<void>;
}

export const openEmmett = async (settings: PgSettings, schema: string, poolSize: number): Promise<Emmett> => {
  const cs = connectionString(settings, schema);
  const pool = poolOf(settings, poolSize, schema);
  const store = getPostgreSQLEventStore(cs, { connectionOptions: { pooled: true, pool } });
  await store.schema.migrate();
  const reader = dumbo({ connectionString: cs, pooled: true, pool });
  return {
    store,
    pool,
    readBatch: async (after, batchSize) => {
      const r = await readMessagesBatch(reader.execute, { after, batchSize });
      return {
        messages: r.messages.map((m) => ({
          id: m.metadata.messageId,
          streamName: m.metadata.streamName,
          streamPosition: m.metadata.streamPosition,
          type: m.type,
        })),
        next: r.currentGlobalPosition,
      };
    },
    close: async () => {
      await reader.close();
      await store.close();
      await pool.end().catch(() => undefined); // the store may have ended it already
    },
  };
};

/** Per writer: `count` appends of one event with the exact expected version over 4 streams `tag-k`
 *  (with `onAppended`, each event's id is `tag-i`, so a reader can tell which it saw), stopping at
 *  `until` (performance.now() ms) if given; resolves to the number appended. */
export const emmettWriter =
  (store: PostgresEventStore, tag: string, count: number, onAppended?: (id: string) => void, until?: number) =>
  async (): Promise<number> => {
    const versions = new Map<string, bigint>();
    let i = 0;
    for (; i < count && (until === undefined || performance.now() < until); i++) {
      const s = `${tag}-${i % 4}`;
      const id = `${tag}-${i}`;
      const event =
        onAppended === undefined
          ? { type: 'Bench', data: { i, writer: tag } }
          : { type: 'Bench', data: { i, writer: tag }, metadata: { messageId: id } };
      const r = await store.appendToStream(s, [event], { expectedStreamVersion: versions.get(s) ?? 0n });
      versions.set(s, r.nextExpectedStreamVersion);
      onAppended?.(id);
    }
    return i;
  };

/**
 * Fills emmett's message table with the same `count` events as `fillEvents` gives our store (same
 * streams, types, data and metadata), by SQL in transactions of `perTransaction` rows, into its
 * default partition, with the columns its own append writes (`transaction_id` included).
 */
export const fillEmmett = async (pool: pg.Pool, count: number, streams: number, perTransaction = 20_000): Promise<void> => {
  for (let from = 0; from < count; from += perTransaction) {
    const to = Math.min(count, from + perTransaction) - 1;
    await pool.query(`
      INSERT INTO emt_messages (stream_id, stream_position, partition, message_kind, message_data, message_metadata, message_schema_version, message_type, message_id, transaction_id)
      SELECT 'user-' || (g % ${streams}), 1 + g / ${streams}, 'emt:default', 'E',
             jsonb_build_object('userId', 'user-' || (g % ${streams}), 'directoryId', 'google', 'at', '2026-11-29T06:00:00.000Z', 'recordVersion', g / ${streams}, 'n', g),
             jsonb_build_object('commandId', 'c-' || g, 'messageId', 'fill-' || g), '1',
             (ARRAY['PortalLogin','PasswordPushed','AttributesChanged'])[1 + g % 3], 'fill-' || g, pg_current_xact_id()
      FROM generate_series(${from}, ${to}) AS g`);
  }
  await pool.query('VACUUM ANALYZE emt_messages');
};
