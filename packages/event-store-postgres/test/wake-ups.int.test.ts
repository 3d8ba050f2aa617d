// Wake-ups on PostgreSQL: a subscription whose poll interval is a minute still sees an append at
// once (LISTEN/NOTIFY), also after its listening connection was killed; with wake-ups switched off
// it waits for the poll. Waits are on the handler seeing the event, never on a clock.
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { subscribe, type Subscription } from '@takeover/event-store';
import { createPostgresEventStore, type PostgresEventStore } from '@takeover/event-store-postgres';
import { dropSchema, randomSchema, testPool } from './pgTestPool.js';

const pool = testPool(8);
const schema = randomSchema();
let store: PostgresEventStore;
const MINUTE = 60_000;

beforeAll(async () => {
  const s = await createPostgresEventStore({ pool, schema })();
  if (E.isLeft(s)) throw new Error(`PostgreSQL unavailable (${s.left.message}): set PGHOST/PGUSER/PGDATABASE`);
  store = s.right;
});
afterAll(async () => {
  await store.close();
  await dropSchema(pool, schema);
  await pool.end();
});

/** A subscription that resolves `seen(id)` when the event with that id is handled. */
const watching = (on: PostgresEventStore, subscriptionId: string) => {
  const waiters = new Map<string, () => void>();
  const handled = new Set<string>();
  const subscription: Subscription = subscribe(on, {
    subscriptionId,
    checkpoints: on.checkpoints,
    pollIntervalMs: MINUTE,
    handle: (events) => {
      for (const e of events) {
        handled.add(e.id);
        waiters.get(e.id)?.();
      }
      return TE.right(undefined);
    },
  });
  const seen = (id: string) =>
    new Promise<void>((resolve) => {
      if (handled.has(id)) resolve();
      else waiters.set(id, resolve);
    });
  return { subscription, seen, handled };
};

const append = async (id: string) => {
  const r = await store.appendToStream(`wake-${id}`, [{ id, type: 'Woken', data: {} }])();
  if (E.isLeft(r)) throw new Error(r.left._tag);
};

const listenerPids = async () =>
  (
    await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [
      `takeover_wakeups_${schema}`.slice(0, 63),
    ])
  ).rows.map((r) => r.pid);

test('an append wakes a subscription polling once a minute, also after the listening connection was killed', async () => {
  const w = watching(store, 'wake-1');
  await append('first');
  await w.seen('first');
  // Parallel appends: each seen once the subscription is woken.
  await Promise.all(['p1', 'p2', 'p3', 'p4'].map(append));
  await Promise.all(['p1', 'p2', 'p3', 'p4'].map(w.seen));

  const pids = await listenerPids();
  expect(pids).toHaveLength(1);
  await pool.query('SELECT pg_terminate_backend($1)', [pids[0]]);
  // Reconnected with backoff; the listeners are woken once on reconnect, then by each append.
  for (;;) {
    const now = await listenerPids();
    if (now.length === 1 && now[0] !== pids[0]) break;
    await new Promise((r) => {
      setTimeout(r, 50);
    });
  }
  await append('after-reconnect');
  await w.seen('after-reconnect');
  await w.subscription.stop();
  expect(await w.subscription.done).toEqual(E.right(undefined));
  // The last subscription gone, the listening connection is closed.
  for (;;) {
    if ((await listenerPids()).length === 0) break;
    await new Promise((r) => {
      setTimeout(r, 50);
    });
  }
}, 30_000);

test('with wake-ups off, the store offers none and a subscription relies on polling', async () => {
  const quiet = await createPostgresEventStore({ pool, schema, wakeUps: false })();
  if (E.isLeft(quiet)) throw new Error(quiet.left._tag);
  expect(quiet.right.onAppended).toBeUndefined();
});

test('a closed store opens no listening connection, even for a listener registered after its close', async () => {
  const other = randomSchema();
  const created = await createPostgresEventStore({ pool, schema: other })();
  const reopened = await createPostgresEventStore({ pool, schema: other })();
  if (E.isLeft(created) || E.isLeft(reopened)) throw new Error('PostgreSQL unavailable');
  const closed = created.right;
  const open = reopened.right;
  await closed.close();
  let calledAfterClose = 0;
  const offClosed = closed.onAppended?.(() => (calledAfterClose += 1));
  // A store still open on the same schema connects, listens and hears an append: by then a
  // connection the closed one had started (first) would be up too.
  let heard: () => void = () => undefined;
  const heardAppend = new Promise<void>((resolve) => (heard = resolve));
  const offOpen = open.onAppended?.(() => heard());
  const r = await open.appendToStream('wake-after-close', [{ id: 'after-close', type: 'Woken', data: {} }])();
  if (E.isLeft(r)) throw new Error(r.left._tag);
  await heardAppend;
  const pids = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [
    `takeover_wakeups_${other}`.slice(0, 63),
  ]);
  expect({ listening: pids.rowCount, calledAfterClose }).toEqual({ listening: 1, calledAfterClose: 0 });
  offClosed?.();
  offOpen?.();
  await open.close();
  await dropSchema(pool, other);
});
