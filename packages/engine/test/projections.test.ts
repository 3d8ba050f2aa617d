import * as E from 'fp-ts/lib/Either.js';
import type { Checkpoint } from '@takeover/event-store';
import { inMemoryEventStore } from '@takeover/event-store';
import { runProjections } from '@takeover/engine';
import type { Projection, ProjectionTarget, Recorded } from '@takeover/engine';
import { Secret, commandId, isoTime, userId } from '@takeover/core';
import { handleUserCommand } from '@takeover/engine';

// A transactional target in memory: work runs on a copy that replaces the committed state only if it
// returns; transactions run one at a time (serialisable, like the databases' targets).
interface Db {
  readonly seen: string[];
  readonly checkpoints: Map<string, Checkpoint>;
}
const memoryTarget = () => {
  let committed: Db = { seen: [], checkpoints: new Map() };
  let queue: Promise<unknown> = Promise.resolve();
  const target: ProjectionTarget<Db> = {
    transaction: (work) => {
      const run = queue.then(async () => {
        const tx: Db = { seen: [...committed.seen], checkpoints: new Map(committed.checkpoints) };
        await work(tx);
        committed = tx;
      });
      queue = run.catch(() => undefined);
      return run;
    },
    loadCheckpoint: (name) => Promise.resolve(committed.checkpoints.get(name)),
    saveCheckpoint: (tx, name, c) => {
      tx.checkpoints.set(name, c);
    },
  };
  return { target, committed: () => committed };
};

const create = async (store: ReturnType<typeof inMemoryEventStore>, name: string) => {
  const r = await handleUserCommand(
    { store, context: {} },
    {
      type: 'CreateUser',
      commandId: commandId(`c-${name}`),
      userId: userId(name),
      at: isoTime('2026-01-01T00:00:00.000Z'),
      state: 'active',
      attributes: { email: `${name}@example.com`, givenName: name, familyName: 'X' },
      by: { role: 'admin' },
      password: Secret.of('Tr0ub4dor&3-horse'),
    },
  )();
  if (E.isLeft(r)) throw new Error('fixture');
};

const until = async (condition: () => boolean): Promise<void> => {
  while (!condition())
    await new Promise((resolve) => {
      setImmediate(resolve);
    });
};

test('runProjections writes rows and checkpoint in one transaction; a failing batch commits neither, is retried in place until it commits, and a restart re-applies nothing', async () => {
  const store = inMemoryEventStore();
  const db = memoryTarget();
  let failOn: string | undefined;
  const projection: Projection<Db> = {
    name: 'test-users',
    apply: (tx, events: ReadonlyArray<Recorded>) => {
      for (const e of events) {
        if (e.streamId === failOn) throw new Error('boom');
        tx.seen.push(e.streamId);
      }
    },
  };
  const errors: string[] = [];
  const first = runProjections(store, db.target, [projection], {
    pollIntervalMs: 5,
    maxRetryDelayMs: 20,
    onError: (f) => errors.push(`${f.name}: ${f.error}`),
  });
  await create(store, 'ada');
  await first.catchUp();
  const adaEvents = db.committed().seen.length;
  expect(new Set(db.committed().seen)).toEqual(new Set(['user-ada']));
  expect(db.committed().checkpoints.get('test-users')).toBeDefined();
  failOn = 'user-bob';
  await create(store, 'bob');
  await until(() => errors.length >= 2);
  await expect(first.catchUp()).rejects.toThrow(/projection test-users: its batch keeps failing \(boom/);
  expect(first.failing()).toEqual([expect.objectContaining({ name: 'test-users', error: 'boom' })]);
  expect(db.committed().seen).toHaveLength(adaEvents);

  failOn = undefined;
  await until(() => first.failing().length === 0);
  await first.catchUp();
  expect(db.committed().seen).toEqual([...Array<string>(adaEvents).fill('user-ada'), ...Array<string>(adaEvents).fill('user-bob')]);
  expect(first.delivered()).toBe(2 * adaEvents);
  await first.stop();

  const second = runProjections(store, db.target, [projection], { pollIntervalMs: 5 });
  await second.catchUp();
  expect(second.delivered()).toBe(0);
  await second.stop();
});

test('stopping a runner whose batch keeps failing ends its retries', async () => {
  const store = inMemoryEventStore();
  const db = memoryTarget();
  let tries = 0;
  const projection: Projection<Db> = {
    name: 'always-failing',
    apply: () => {
      tries++;
      throw new Error('broken');
    },
  };
  const running = runProjections(store, db.target, [projection], { pollIntervalMs: 5, maxRetryDelayMs: 5 });
  await create(store, 'cy');
  await until(() => tries >= 2);
  await running.stop();
  const after = tries;
  await create(store, 'dee');
  expect(tries).toBe(after);
  expect(db.committed().checkpoints.get('always-failing')).toBeUndefined();
});

// The store with its global reads counted: `pages` = reads that handed back events (catchUp's one-event probes left out).
const countingReads = (store: ReturnType<typeof inMemoryEventStore>) => {
  const counts = { pages: 0 };
  const wrapped: typeof store = {
    ...store,
    readAll: (options) => async () => {
      const r = await store.readAll(options)();
      if (options?.maxCount !== 1 && E.isRight(r) && r.right.events.length > 0) counts.pages++;
      return r;
    },
  };
  return { store: wrapped, counts };
};

const recording = (name: string, batches: Map<string, number>, failOn?: () => string | undefined): Projection<Db> => ({
  name,
  apply: (tx, events) => {
    batches.set(name, (batches.get(name) ?? 0) + 1);
    for (const e of events) {
      if (e.streamId === failOn?.()) throw new Error(`${name} cannot take ${e.streamId}`);
      tx.seen.push(`${name}:${e.streamId}:${e.revision}`);
    }
  },
});

const eachOnce = (seen: ReadonlyArray<string>) => new Set(seen).size === seen.length;

test('five projections share one reader: each batch of the global order is read once and handed to all five', async () => {
  const base = inMemoryEventStore();
  const { store, counts } = countingReads(base);
  for (const n of ['ann', 'ben', 'cat', 'dan']) await create(base, n);
  const db = memoryTarget();
  const batches = new Map<string, number>();
  const names = ['users', 'audit', 'notifications', 'why', 'health'];
  const running = runProjections(
    store,
    db.target,
    names.map((n) => recording(n, batches)),
    { pollIntervalMs: 5, batchSize: 3 },
  );
  await running.catchUp();
  for (const n of ['eve', 'fay']) await create(base, n);
  await running.catchUp();
  const perProjection = batches.get('users') ?? 0;
  expect(perProjection).toBeGreaterThanOrEqual(4); // 4 users' events in batches of 3, then two more users
  for (const n of names) expect(batches.get(n)).toBe(perProjection);
  expect(counts.pages).toBe(perProjection);
  expect(running.readers()).toBe(1);
  const total = (await base.readAll({ maxCount: 10_000 })()) as E.Right<{ events: ReadonlyArray<unknown> }>;
  expect(db.committed().seen).toHaveLength(names.length * total.right.events.length);
  expect(eachOnce(db.committed().seen)).toBe(true);
  for (const n of names) expect(db.committed().checkpoints.get(n)).toBe(db.committed().checkpoints.get('users'));
  await running.stop();
});

test('a projection whose batch fails leaves the shared reader and retries alone; the others go on; once it commits it rejoins', async () => {
  const store = inMemoryEventStore();
  const db = memoryTarget();
  const batches = new Map<string, number>();
  let failOn: string | undefined;
  const running = runProjections(
    store,
    db.target,
    [recording('users', batches), recording('audit', batches, () => failOn), recording('why', batches)],
    { pollIntervalMs: 5, maxRetryDelayMs: 20 },
  );
  await create(store, 'ada');
  await running.catchUp();
  failOn = 'user-bob';
  await create(store, 'bob');
  await until(() => (running.failing()[0]?.attempts ?? 0) >= 2);
  expect(running.failing().map((f) => f.name)).toEqual(['audit']);
  expect(running.readers()).toBe(2);
  // The healthy ones are not held back by the failing one.
  await create(store, 'cy');
  await until(() => db.committed().seen.some((s) => s.startsWith('why:user-cy')));
  expect(db.committed().seen.some((s) => s.startsWith('audit:user-bob'))).toBe(false);
  await expect(running.catchUp()).rejects.toThrow(/projection audit: its batch keeps failing \(audit cannot take user-bob/);

  failOn = undefined;
  await until(() => running.failing().length === 0);
  await running.catchUp();
  await until(() => running.readers() === 1);
  const seen = db.committed().seen;
  expect(eachOnce(seen)).toBe(true);
  for (const n of ['users', 'audit', 'why'])
    expect(seen.filter((s) => s.startsWith(`${n}:`)).map((s) => s.slice(n.length))).toEqual(
      seen.filter((s) => s.startsWith('users:')).map((s) => s.slice('users'.length)),
    );
  await create(store, 'dee');
  await running.catchUp();
  expect(seen.length).toBeLessThan(db.committed().seen.length);
  expect(running.readers()).toBe(1);
  await running.stop();
});

test('a projection added later catches up from the start on its own reader, then joins the one already there; nothing is applied twice', async () => {
  const store = inMemoryEventStore();
  const db = memoryTarget();
  const batches = new Map<string, number>();
  const first = runProjections(store, db.target, [recording('users', batches)], { pollIntervalMs: 5, batchSize: 2 });
  for (const n of ['ann', 'ben', 'cat']) await create(store, n);
  await first.catchUp();
  await first.stop();
  const usersRows = db.committed().seen.length;

  const second = runProjections(store, db.target, [recording('users', batches), recording('audit', batches)], {
    pollIntervalMs: 5,
    batchSize: 2,
  });
  await second.catchUp();
  expect(second.delivered()).toBe(usersRows); // only the new projection's rebuild
  await until(() => second.readers() === 1);
  await create(store, 'dan');
  await second.catchUp();
  const seen = db.committed().seen;
  expect(eachOnce(seen)).toBe(true);
  expect(seen.filter((s) => s.startsWith('audit:')).map((s) => s.slice('audit'.length))).toEqual(
    seen.filter((s) => s.startsWith('users:')).map((s) => s.slice('users'.length)),
  );
  await second.stop();
});

test('stopped while its checkpoints were still loading, a runner ends every catchUp waiting on it (none polls on after the stop)', async () => {
  const store = inMemoryEventStore();
  await create(store, 'ada');
  const { target } = memoryTarget();
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const slow: ProjectionTarget<Db> = {
    ...target,
    loadCheckpoint: async (name) => {
      await gate;
      return target.loadCheckpoint(name);
    },
  };
  const projection: Projection<Db> = { name: 'p', apply: () => undefined };
  const running = runProjections(store, slow, [projection], { pollIntervalMs: 10 });
  const waiting = running.catchUp();
  const stopped = running.stop();
  release();
  await stopped;
  await expect(waiting).rejects.toThrow('projection p: stopped before it caught up');
  await expect(running.catchUp()).rejects.toThrow('stopped before it caught up');
});
