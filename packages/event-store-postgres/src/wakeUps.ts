import pg from 'pg';
import type { Pool } from 'pg';

/** The channel the schema's append trigger notifies (migration 2); PostgreSQL caps names at 63 bytes. */
export const appendedChannel = (schema: string): string => `takeover_appended_${schema}`.slice(0, 63);

/** The listening connection's `application_name` (seen in `pg_stat_activity`). */
export const listenerName = (schema: string): string => `takeover_wakeups_${schema}`.slice(0, 63);

export interface WakeUps {
  /** Calls `listener` after each committed append (and after each reconnect, when some may have been missed). */
  readonly onAppended: (listener: () => void) => () => void;
  readonly close: () => Promise<void>;
}

const RECONNECT_FIRST_MS = 100;
const RECONNECT_MAX_MS = 5_000;

/**
 * One dedicated client per store, outside the pool (a LISTEN lives on its connection), opened when
 * the first listener registers and closed with the last. A lost connection is opened again with
 * backoff; the listeners are then called once, since notifications sent meanwhile are gone. Until
 * it is back, the subscriptions' polling carries on alone.
 */
export const wakeUps = (pool: Pool, schema: string, onError: (message: string) => void = () => undefined): WakeUps => {
  const channel = appendedChannel(schema);
  const listeners = new Set<() => void>();
  let client: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let retryMs = RECONNECT_FIRST_MS;
  let retryTimer: NodeJS.Timeout | undefined;
  /** Closed for good: no connection is opened again, whoever registers later. */
  let closed = false;
  const notify = () => {
    for (const l of [...listeners]) l();
  };

  const connect = (): Promise<void> => {
    if (closed) return Promise.resolve();
    connecting ??= (async () => {
      if (client !== undefined) return;
      const c = new pg.Client({ ...pool.options, application_name: listenerName(schema) });
      const lost = (why: string) => {
        if (client !== c) return;
        client = undefined;
        c.end().catch(() => undefined);
        onError(why);
        scheduleReconnect();
      };
      c.on('error', (e) => {
        lost(e.message);
      });
      c.on('end', () => {
        lost('connection ended');
      });
      c.on('notification', (n) => {
        if (n.channel === channel) notify();
      });
      try {
        await c.connect();
        await c.query(`LISTEN "${channel}"`);
      } catch (e) {
        await c.end().catch(() => undefined);
        onError(e instanceof Error ? e.message : String(e));
        scheduleReconnect();
        return;
      }
      if (listeners.size === 0 || closed) {
        await c.end().catch(() => undefined);
        return;
      }
      client = c;
      retryMs = RECONNECT_FIRST_MS;
      notify(); // whatever was appended while no one listened
    })().finally(() => {
      connecting = undefined;
    });
    return connecting;
  };
  const scheduleReconnect = () => {
    if (closed || listeners.size === 0 || retryTimer !== undefined) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, retryMs);
    retryTimer.unref();
    retryMs = Math.min(RECONNECT_MAX_MS, retryMs * 2);
  };
  const shutdown = async () => {
    if (retryTimer !== undefined) {
      clearTimeout(retryTimer);
      retryTimer = undefined;
    }
    await connecting;
    const c = client;
    client = undefined;
    await c?.end().catch(() => undefined);
  };

  return {
    onAppended: (listener) => {
      if (closed) return () => undefined; // the store is closed: polling alone (which fails) tells the subscriber
      listeners.add(listener);
      if (client === undefined) void connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) void shutdown();
      };
    },
    close: async () => {
      closed = true;
      listeners.clear();
      await shutdown();
    },
  };
};
