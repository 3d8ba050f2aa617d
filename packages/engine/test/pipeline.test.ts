// Issue 13 part 3, one command pipeline: a login reads the user's stream once, and the state flows
// from the command to the settle and the push outcomes without re-reading; directories come from the
// engine's cache, brought up to date by reading only what follows the cached version.
import * as E from 'fp-ts/lib/Either.js';
import { commandId, isoTime } from '@takeover/core';
import type { UserCommand, UserEvent, UserId } from '@takeover/core';
import { inMemoryEventStore } from '@takeover/event-store';
import type { CountingStore } from '@takeover/engine/testing';
import { countingStore } from '@takeover/engine/testing';
import { createEngine, inMemoryOutbox, userEventDecoder } from '@takeover/engine';
import { GOOGLE, M365, activeAdaBound, cmd, world } from './world.js';

const sum = (m: Readonly<Record<string, number>>, prefix: string): number =>
  Object.entries(m)
    .filter(([k]) => k.startsWith(prefix))
    .reduce((n, [, v]) => n + v, 0);

/** Every stream `readStream` was called on, from its start or not (the counting store sees every read the engine makes). */
const streamsRead = (c: ReturnType<CountingStore['counts']>): ReadonlyArray<string> =>
  [...new Set([...Object.keys(c.fullReads), ...Object.keys(c.catchUpReads)])].sort();

const events = async (c: CountingStore, stream: string): Promise<ReadonlyArray<UserEvent>> => {
  const r = await c.store.readStream(stream, { decoder: userEventDecoder })();
  if (E.isLeft(r)) throw new Error(r.left._tag);
  return r.right.map((x) => x.event);
};

/** Runs `check`; when it fails, its message lists every call the store saw since the last reset (who read or appended what). */
const explained = (c: CountingStore, check: () => void): void => {
  try {
    check();
  } catch (e) {
    if (e instanceof Error) e.message += `\nThe store's calls:\n${c.describe()}`;
    throw e;
  }
};

describe('one command pipeline: reads per portal login', () => {
  test('a login that pushes to two directories, on the engine that has the user cached, reads no user stream (the bound is one), no directory stream from its start and nothing else', async () => {
    const counting = countingStore(inMemoryEventStore());
    const w = await world({ store: counting.store });
    try {
      const { u } = await activeAdaBound(w);
      counting.reset();
      await w.run(cmd.logIn(u));
      await w.engine.whenSettled(u);
      const c = counting.counts();
      expect(w.pushCalls()).toEqual({ google: 1, m365: 1 });
      // The bound is one read of the user stream per login; this engine has Ada's state from the commands before,
      // so the login reads none, and the settle and its four outcomes start from the state appended.
      explained(counting, () => expect(c.fullReads[`user-${u}`] ?? 0).toBe(0));
      explained(counting, () => expect(c.catchUpReads[`user-${u}`] ?? 0).toBe(0)); // nothing conflicted
      expect(c.appends).toEqual({ [`user-${u}`]: 5 }); // PortalLogin, then started + succeeded per directory; nothing else written
      expect(sum(c.fullReads, 'directory-')).toBe(0);
      // Nothing else is read: no other stream, no global order.
      expect(streamsRead(c).filter((s) => s !== 'directory-google' && s !== 'directory-m365')).toEqual([]);
      // The directories are brought up to date at each lease: a read of what follows the cached version, which finds nothing.
      expect(sum(c.catchUpReads, 'directory-')).toBeLessThanOrEqual(2);
      expect(sum(c.eventsRead, 'directory-')).toBe(0);
      expect(c.readAll).toBe(0);
    } finally {
      await w.close();
    }
  });

  test('a login with nothing owed, the user cached, reads nothing, appends once and pushes nothing (R5)', async () => {
    const counting = countingStore(inMemoryEventStore());
    const w = await world({ store: counting.store });
    try {
      const { u } = await activeAdaBound(w);
      await w.run(cmd.logIn(u));
      await w.engine.whenSettled(u);
      counting.reset();
      await w.run(cmd.logIn(u));
      await w.engine.whenSettled(u);
      const c = counting.counts();
      expect(w.pushCalls()).toEqual({ google: 1, m365: 1 });
      explained(counting, () => expect(streamsRead(c)).toEqual([])); // no read at all: the user is cached, nothing is leased
      expect(c.readAll).toBe(0);
      expect(c.appends).toEqual({ [`user-${u}`]: 1 });
    } finally {
      await w.close();
    }
  });
});

describe('one command pipeline: the directory cache on the login path', () => {
  test('a login takes the directories as cached while they were brought up to date within 5 s, and brings them up to date when older', async () => {
    const counting = countingStore(inMemoryEventStore());
    const w = await world({ store: counting.store });
    let now = Date.now();
    const engine = w.newEngine({ clock: { now: () => now } });
    // Each login at the engine's (fake) clock, 4 s and 6 s apart as the test tells it.
    const logInNow = (u: UserId): UserCommand => ({ ...cmd.logIn(u), at: isoTime(new Date(now).toISOString()) });
    try {
      const { u } = await activeAdaBound(w);
      expect(E.isRight(await engine.execute(logInNow(u))())).toBe(true); // this engine's first: reads the user and both directories
      await engine.whenSettled(u);
      counting.reset();
      now += 4_000;
      expect(E.isRight(await engine.execute(logInNow(u))())).toBe(true); // nothing owed; the directories were checked 4 s ago
      await engine.whenSettled(u);
      explained(counting, () => expect(streamsRead(counting.counts())).toEqual([]));
      counting.reset();
      now += 6_000;
      expect(E.isRight(await engine.execute(logInNow(u))())).toBe(true); // 10 s since: read what follows the cached versions
      await engine.whenSettled(u);
      const c = counting.counts();
      explained(counting, () => expect(c.catchUpReads).toEqual({ 'directory-google': 1, 'directory-m365': 1 }));
      expect(c.fullReads).toEqual({});
    } finally {
      await engine.close();
      await w.close();
    }
  });
});

describe('one command pipeline: several instances', () => {
  test('with no state cached, a login reads the user stream once', async () => {
    const counting = countingStore(inMemoryEventStore());
    const w = await world({ store: counting.store });
    const fresh = w.newEngine({ cachedUsers: 0 });
    try {
      const { u } = await activeAdaBound(w);
      counting.reset();
      const r = await fresh.execute(cmd.logIn(u))();
      expect(E.isRight(r)).toBe(true);
      await fresh.whenSettled(u);
      const c = counting.counts();
      expect(w.pushCalls()).toEqual({ google: 1, m365: 1 });
      expect(c.fullReads[`user-${u}`]).toBe(1);
      expect(c.catchUpReads[`user-${u}`] ?? 0).toBe(0);
      expect(c.appends).toEqual({ [`user-${u}`]: 5 });
      // The fresh engine reads each directory once from its start (its cache is empty), then only what follows at each lease.
      expect(c.fullReads['directory-google']).toBe(1);
      expect(c.fullReads['directory-m365']).toBe(1);
      expect(streamsRead(c)).toEqual(['directory-google', 'directory-m365', `user-${u}`].sort());
      expect(c.readAll).toBe(0);
    } finally {
      await fresh.close();
      await w.close();
    }
  });

  test('a user changed on another instance: the cached state conflicts, the engine reads only what is new, and decides on it', async () => {
    const counting = countingStore(inMemoryEventStore());
    const w = await world({ store: counting.store });
    const other = w.newEngine();
    try {
      const { u } = await activeAdaBound(w);
      await w.run(cmd.logIn(u));
      await w.engine.whenSettled(u);
      const suspended = await other.execute(cmd.suspend(u))();
      expect(E.isRight(suspended)).toBe(true);
      await other.idle();
      counting.reset();
      const refused = await w.tryRun(cmd.logIn(u));
      expect(E.isLeft(refused) && (refused.left as { error?: { _tag?: string } }).error?._tag).toBe('CannotLogIn'); // R7, although this engine's cache says active
      expect(counting.counts().catchUpReads[`user-${u}`]).toBe(1);
      expect(counting.counts().fullReads[`user-${u}`] ?? 0).toBe(0);
    } finally {
      await other.close();
      await w.close();
    }
  });

  test("a directory policy changed on another instance is used by this one's next push (a stale cache does not push with an outdated policy)", async () => {
    const counting = countingStore(inMemoryEventStore());
    const w = await world({ store: counting.store });
    const other = w.newEngine();
    try {
      const { u } = await activeAdaBound(w);
      await w.run(cmd.logIn(u)); // this engine's cache now holds M365 without session revocation
      await w.engine.whenSettled(u);
      const changed = await other.executeDirectory({
        type: 'ChangeDirectoryPolicy',
        commandId: commandId('pipeline-policy'),
        directoryId: M365,
        at: isoTime(new Date().toISOString()),
        policy: { revokeSessionsOnPush: true },
      })();
      expect(E.isRight(changed)).toBe(true);
      // Another instance changes the user too: this engine's next login starts from cached states of both; the lease brings M365 up to date.
      expect(E.isRight(await other.execute(cmd.change(u, { givenName: 'Augusta' }))())).toBe(true);
      await other.idle();
      await w.run(cmd.logIn(u));
      await w.engine.whenSettled(u);
      const started = (await events(counting, `user-${u}`)).flatMap((e) =>
        e.type === 'PushStarted' && e.data.directoryId === M365 ? [e.data] : [],
      );
      expect(started.map((p) => p.revokeSessions)).toEqual([false, true]);
    } finally {
      await other.close();
      await w.close();
    }
  });

  test('parallel duplicates: two tabs on each of two engines log in at once: every login is accepted, each directory gets one push', async () => {
    const counting = countingStore(inMemoryEventStore());
    const w = await world({ store: counting.store });
    const other = w.newEngine();
    try {
      const { u } = await activeAdaBound(w);
      const logins = [w.engine, w.engine, other, other].map((e) => ({ e, c: cmd.logIn(u) }));
      const results = await Promise.all(logins.map(({ e, c }) => e.execute(c)()));
      expect(results.filter(E.isLeft)).toEqual([]);
      await Promise.all([w.engine.whenSettled(u), other.whenSettled(u)]);
      await Promise.all([w.engine.idle(), other.idle()]);
      expect(w.pushCalls()).toEqual({ google: 1, m365: 1 });
      const history = await events(counting, `user-${u}`);
      // Every login is recorded: four commands, four logins (a retried command would be one, by its id).
      const recorded = history.flatMap((e) => (e.type === 'PortalLogin' ? [e.data.at] : []));
      expect(new Set(recorded)).toEqual(new Set(logins.map(({ c }) => c.at)));
      expect(recorded.length).toBe(logins.length);
      expect(
        history
          .filter((e) => e.type === 'PushSucceeded')
          .map((e) => (e.type === 'PushSucceeded' ? e.data.directoryId : ''))
          .sort(),
      ).toEqual([GOOGLE, M365].sort());
    } finally {
      await other.close();
      await w.close();
    }
  });

  test('the conflict-retry policy is checked when the engine is created', () => {
    const make = (conflictRetries: { attempts?: number; initialDelayMs?: number; maxDelayMs?: number }) => () =>
      createEngine({
        store: inMemoryEventStore(),
        connectors: {},
        mailer: inMemoryOutbox(),
        mail: { platformName: 'Acme', portalUrl: 'https://portal.acme.example' },
        conflictRetries,
      });
    expect(make({ attempts: 0 })).toThrow(/conflictRetries: attempts must be at least 1/);
    expect(make({ initialDelayMs: 50, maxDelayMs: 10 })).toThrow(/initialDelayMs <= maxDelayMs/);
    expect(make({ attempts: 3 })).not.toThrow();
  });
});
