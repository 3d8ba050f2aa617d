// Two engine instances, each with its own pool, on one PostgreSQL store (PGHOST/PGUSER/PGDATABASE,
// default 127.0.0.1/postgres/test): concurrent logins of the same users on both push each change
// once per directory; the reads and appends of a login, counted on PostgreSQL.
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import type { ExternalUserId } from '@takeover/connector-kit';
import { createPostgresEventStore } from '@takeover/event-store-postgres';
import type { PostgresEventStore } from '@takeover/event-store-postgres';
import type { UserId } from '@takeover/core';
import { countingStore } from '@takeover/engine/testing';
import { GOOGLE, M365, PASSWORD, cmd, uid, world } from './world.js';

const pool = () =>
  new pg.Pool({
    host: process.env.PGHOST ?? '127.0.0.1',
    user: process.env.PGUSER ?? 'postgres',
    database: process.env.PGDATABASE ?? 'test',
    max: 8,
  });
const schema = `engine_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const pools = [pool(), pool()] as const;
const stores: PostgresEventStore[] = [];
const NEWER = 'Newer-Password-2?';
const id = (s: string) => s as ExternalUserId;

beforeAll(async () => {
  for (const p of pools) {
    const s = await createPostgresEventStore({ pool: p, schema })();
    if (s._tag === 'Left') throw new Error(`PostgreSQL unavailable (${s.left.message}): set PGHOST/PGUSER/PGDATABASE`);
    stores.push(s.right);
  }
});
afterAll(async () => {
  for (const s of stores) await s.close();
  await pools[0].query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await Promise.all(pools.map((p) => p.end()));
});

test('two instances on one PostgreSQL store: concurrent logins and a password change push each change exactly once per directory', async () => {
  const [storeA, storeB] = stores;
  if (storeA === undefined || storeB === undefined) throw new Error('stores');
  const w = await world({ store: storeA });
  const b = w.newEngine({ store: storeB });
  const users: Array<{ u: UserId; google: string; m365: string }> = [];
  for (let i = 0; i < 10; i++) {
    const u = uid(`user${i}`);
    const attrs = { email: `user${i}@example.com`, givenName: 'User', familyName: `N${i}` };
    const ext = await w.seedAccounts(attrs);
    await w.run(cmd.createActive(u, attrs, PASSWORD));
    await w.run(cmd.bind(u, GOOGLE, ext.google));
    await w.run(cmd.bind(u, M365, ext.m365));
    users.push({ u, ...ext });
  }
  await w.engine.idle();

  await Promise.all(users.flatMap(({ u }) => [w.engine.execute(cmd.logIn(u))(), b.execute(cmd.logIn(u))(), b.execute(cmd.logIn(u))()]));
  await Promise.all([w.engine.idle(), b.idle()]);
  expect(w.pushCalls()).toEqual({ google: 10, m365: 10 });

  for (const { u } of users) await w.run(cmd.setPassword(u, NEWER, 'user-portal'));
  await Promise.all(users.flatMap(({ u }) => [w.engine.execute(cmd.logIn(u, NEWER))(), b.execute(cmd.logIn(u, NEWER))()]));
  await Promise.all([w.engine.idle(), b.idle()]);
  expect(w.pushCalls()).toEqual({ google: 20, m365: 20 });
  for (const { google, m365 } of users.slice(0, 3)) {
    expect(await w.google.target.passwordMatches(id(google), NEWER)).toBe(true);
    expect(await w.m365.target.passwordMatches(id(m365), NEWER)).toBe(true);
  }
  expect(w.outbox.sent()).toHaveLength(20); // R15: each binding email once
});

test('one pipeline on PostgreSQL: a cached login reads nothing and appends once; a user suspended through the other instance is refused after one conflicting append and one catch-up read', async () => {
  const [storeA, storeB] = stores;
  if (storeA === undefined || storeB === undefined) throw new Error('stores');
  const counting = countingStore(storeA);
  const w = await world({ store: counting.store });
  const b = w.newEngine({ store: storeB });
  try {
    const u = uid('pipeline');
    const attrs = { email: 'pipeline@example.com', givenName: 'Pipe', familyName: 'Line' };
    const ext = await w.seedAccounts(attrs);
    await w.run(cmd.createActive(u, attrs, PASSWORD));
    await w.run(cmd.bind(u, GOOGLE, ext.google));
    await w.run(cmd.bind(u, M365, ext.m365));
    await w.run(cmd.logIn(u)); // pushes to both directories
    await w.engine.idle();

    counting.reset();
    await w.run(cmd.logIn(u)); // nothing owed
    await w.engine.whenSettled(u);
    const quiet = counting.counts();
    expect({ ...quiet.fullReads, ...quiet.catchUpReads }).toEqual({});
    expect(quiet.readAll).toBe(0);
    expect(quiet.appends).toEqual({ [`user-${u}`]: 1 });

    expect(E.isRight(await b.execute(cmd.suspend(u))())).toBe(true);
    await b.idle();
    counting.reset();
    const refused = await w.tryRun(cmd.logIn(u)); // this engine's cache still says active
    expect(E.isLeft(refused) && (refused.left as { error?: { _tag?: string } }).error?._tag).toBe('CannotLogIn');
    const stale = counting.counts();
    expect(stale.appends).toEqual({ [`user-${u}`]: 1 }); // append_events refused the expected version
    expect(stale.catchUpReads).toEqual({ [`user-${u}`]: 1 });
    expect(stale.fullReads).toEqual({});
  } finally {
    await b.close();
    await w.close();
  }
});
