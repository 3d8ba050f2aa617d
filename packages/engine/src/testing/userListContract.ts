/// <reference types="jest" />
// Jest's globals, not an import of @jest/globals: that CommonJS module has no ESM named exports.
import * as E from 'fp-ts/lib/Either.js';
import type { DirectoryId, OwedPush, PushFailure, UserId } from '@takeover/core';
import { Secret, directoryId, owed, userId } from '@takeover/core';
import type { EventStore } from '@takeover/event-store';
import { inMemoryEventStore } from '@takeover/event-store';
import { handleDirectoryCommand } from '../commands.js';
import type { OwedWorkSource } from '../engine.js';
import type { LinkedAccounts } from '../dispatch/sweepState.js';
import type { Clock } from '../ports.js';
import type { Recorded } from '../read-models/events.js';
import { anyEventDecoder } from '../read-models/events.js';
import type { UserListFilter, UserListRow, UserListView } from '../read-models/userList.js';
import { G, M, PASSWORD, admin, at, contractWorld, trackedAppends } from './contractWorld.js';

/** One user list under test, fed from `store` (its own, empty at setup). */
export interface UserListSubject {
  readonly store: EventStore;
  readonly view: UserListView & OwedWorkSource & LinkedAccounts;
  /** Resolves once every event appended so far is reflected in `view`. */
  readonly catchUp: () => Promise<void>;
  /** Hands a batch straight to the projection, as a subscription delivering it again would. */
  readonly deliver: (events: ReadonlyArray<Recorded>) => Promise<void>;
  /** Stops feeding the view and starts again from the saved checkpoint (a process restart); resolves with the restarted subject. */
  readonly restart: () => Promise<UserListSubject>;
  /** How many events the projection has been handed since this subject (re)started. */
  readonly delivered: () => number;
  readonly stop: () => Promise<void>;
}

export interface UserListContractOptions {
  /** A fresh, empty subject reading leases against `clock`. */
  readonly setup: (clock: Clock) => Promise<UserListSubject>;
  /** `restart` rebuilds from the start (the in-memory view): skip the "without re-applying" check. */
  readonly rebuildsOnRestart?: boolean;
  readonly skip?: string;
}

const { nextCommandId, base, run, connect, createBound } = contractWorld('ulc');

/** A small platform: two directories and users at every stage, built by running real commands. */
const seed = async (store: EventStore) => {
  await connect(store, G, 'google-workspace', 'google-workspace', 'example.com');
  await connect(store, M, 'microsoft-entra', 'microsoft-entra', 'contoso.com');
  const user = (name: string, given: string, family: string, minute: number, dirs: ReadonlyArray<DirectoryId>) =>
    createBound(store, userId(name), name, given, family, minute, dirs);
  const pushes = async (u: UserId, minute: number): Promise<ReadonlyArray<OwedPush>> => {
    const r = await run(store, { ...base(u, minute), type: 'LogIn', password: Secret.of(PASSWORD) });
    return owed(r.state, r.directories, { now: at(minute) }).pushes;
  };
  const strip = ({ needsPlaintext: _n, lastFailure: _l, ...push }: OwedPush) => push;
  const succeed = async (u: UserId, minute: number, p: OwedPush) => {
    await run(store, { ...base(u, minute), type: 'RecordPushStarted', push: strip(p) });
    await run(store, { ...base(u, minute), type: 'RecordPushSucceeded', push: strip(p) });
  };
  const fail = async (u: UserId, minute: number, p: OwedPush, failure: PushFailure) => {
    await run(store, { ...base(u, minute), type: 'RecordPushStarted', push: strip(p) });
    await run(store, { ...base(u, minute), type: 'RecordPushFailed', push: strip(p), failure });
  };
  // ada: both directories in sync (day 1 and day 2); bob: Google failing (auth); cyd: awaiting login; dan: suspended; eve: M365 in flight.
  const ada = await user('ada', 'Ada', 'Lovelace', 1, [G, M]);
  const [ag, am] = await pushes(ada, 2);
  if (ag !== undefined) await succeed(ada, 2, ag);
  if (am !== undefined) await succeed(ada, 24 * 60 + 5, am);
  const bob = await user('bob', 'Bob', 'Babbage', 3, [G]);
  const [bg] = await pushes(bob, 4);
  if (bg !== undefined) await fail(bob, 4, bg, { class: 'auth', code: 'unauthorized_client', message: 'Client is unauthorized' });
  const cyd = await user('cyd', 'Cyd', 'Charisse', 5, [G, M]);
  const dan = await user('dan', 'Dan', 'Dare', 6, [M]);
  await run(store, { ...base(dan, 7), type: 'SuspendUser', by: admin });
  const eve = await user('eve', 'Eve', 'Adams', 8, [M]);
  const [em] = await pushes(eve, 9);
  if (em !== undefined) await run(store, { ...base(eve, 9), type: 'RecordPushStarted', push: strip(em) });
  return { ada, bob, cyd, dan, eve };
};

const syncOf = (row: UserListRow | undefined) =>
  Object.fromEntries((row?.directories ?? []).map((d) => [d.directoryId, d.reason === undefined ? d.sync : `${d.sync}:${d.reason}`]));

const allPages = async (view: UserListView, q: Parameters<UserListView['list']>[0]) => {
  const out: string[] = [];
  let after: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await view.list({ ...q, ...(after === undefined ? {} : { after }) });
    out.push(...page.rows.map((r) => r.userId));
    if (page.next === undefined) return out;
    after = page.next;
  }
  throw new Error('more than 100 pages');
};

const collect = async (it: AsyncIterable<UserId>) => {
  const out: UserId[] = [];
  for await (const id of it) out.push(id);
  return out;
};

/** The `UserListView` contract: the in-memory view and every persisted one run all of it. */
export const userListContract = (name: string, options: UserListContractOptions): void => {
  const suite = options.skip === undefined ? describe : describe.skip;
  suite(`UserListView contract: ${name}${options.skip === undefined ? '' : ` (skipped: ${options.skip})`}`, () => {
    // Leases are read against this clock: the seeded push in flight (minute 9) holds for 2 minutes.
    let nowMs = Date.UTC(2026, 0, 1) + 10 * 60_000;
    const clock: Clock = { now: () => nowMs };
    let subject: UserListSubject;
    let users: Awaited<ReturnType<typeof seed>>;
    let appends: ReturnType<typeof trackedAppends>;
    beforeAll(async () => {
      subject = await options.setup(clock);
      appends = trackedAppends(subject.store);
      users = await seed(appends.store);
      await appends.settled(subject);
    });
    afterAll(async () => {
      await subject.stop();
    });

    it('maps every binding to its rollout state, with the failure class or unresolved reason', async () => {
      const { view } = subject;
      expect(syncOf(await view.get(users.ada))).toEqual({ google: 'in-sync', m365: 'in-sync' });
      expect(syncOf(await view.get(users.bob))).toEqual({ google: 'failing:auth' });
      expect(syncOf(await view.get(users.cyd))).toEqual({ google: 'awaiting-first-login', m365: 'awaiting-first-login' });
      expect(syncOf(await view.get(users.dan))).toEqual({ m365: 'paused' });
      expect(syncOf(await view.get(users.eve))).toEqual({ m365: 'in-flight' });
      expect(await view.get(userId('nobody'))).toBeUndefined();
      expect(await view.get(users.ada)).toMatchObject({
        email: 'ada@example.com',
        displayName: 'Ada Lovelace',
        state: 'active',
        passwordStatus: 'active',
      });
    });

    it('linkedUsers: the users bound to the named accounts of one directory, whatever their state; nobody for an unknown key', async () => {
      const { view } = subject;
      const sorted = (xs: ReadonlyArray<{ readonly externalKey: string; readonly userId: UserId }>) =>
        [...xs].sort((a, b) => (a.externalKey < b.externalKey ? -1 : a.externalKey > b.externalKey ? 1 : 0));
      expect(sorted(await view.linkedUsers(G, ['bob@google', 'ada@google', 'nobody@google', 'ada@google']))).toEqual([
        { externalKey: 'ada@google', userId: users.ada },
        { externalKey: 'bob@google', userId: users.bob },
      ]);
      // Another directory's key is not this one's; a suspended user is still bound (dan).
      expect(await view.linkedUsers(M, ['ada@google'])).toEqual([]);
      expect(sorted(await view.linkedUsers(M, ['dan@m365', 'eve@m365']))).toEqual([
        { externalKey: 'dan@m365', userId: users.dan },
        { externalKey: 'eve@m365', userId: users.eve },
      ]);
      expect(await view.linkedUsers(M, [])).toEqual([]);
      // Many keys at once (more than one statement's worth): the same answer.
      const many = [...Array.from({ length: 1200 }, (_, i) => `nobody-${i}@m365`), 'eve@m365'];
      expect(await view.linkedUsers(M, many)).toEqual([{ externalKey: 'eve@m365', userId: users.eve }]);
    });

    it('knownDirectories: every connected directory, from the model itself (the sweep of every directory reads no history)', async () => {
      expect(await subject.view.knownDirectories?.()).toEqual([G, M].sort());
    });

    it('an expired lease reads as the state behind it', async () => {
      nowMs += 3 * 60_000;
      try {
        expect(syncOf(await subject.view.get(users.eve))).toEqual({ m365: 'awaiting-first-login' });
        expect((await subject.view.list({ filter: { sync: 'in-flight' } })).total).toBe(0);
        expect((await subject.view.list({ filter: { directoryId: M, sync: 'awaiting-first-login' } })).rows.map((r) => r.userId)).toEqual([
          users.cyd,
          users.eve,
        ]);
        // Totals and the overview read the same moment: the expired lease counts as the state behind it.
        expect((await subject.view.list({ filter: { directoryId: M, sync: 'awaiting-first-login' } })).total).toBe(2);
        expect((await subject.view.list({ filter: { directoryId: M, sync: 'in-flight' } })).total).toBe(0);
        expect((await subject.view.rollout()).find((r) => r.directoryId === M)).toMatchObject({
          bound: 4,
          inFlight: 0,
          awaitingFirstLogin: 2,
        });
      } finally {
        nowMs -= 3 * 60_000;
      }
      expect((await subject.view.list({ filter: { sync: 'in-flight' } })).rows.map((r) => r.userId)).toEqual([users.eve]);
      expect((await subject.view.list({ filter: { directoryId: M, sync: 'in-flight' } })).total).toBe(1);
    });

    it('filters by state, directory, sync state, failing reason and text, with the total', async () => {
      const { view } = subject;
      const ids = async (filter: Parameters<UserListView['list']>[0]['filter']) => {
        const p = await view.list({ ...(filter === undefined ? {} : { filter }) });
        return { ids: p.rows.map((r) => r.userId), total: p.total };
      };
      expect(await ids(undefined)).toEqual({ ids: [users.ada, users.bob, users.cyd, users.dan, users.eve], total: 5 });
      expect(await ids({ state: 'suspended' })).toEqual({ ids: [users.dan], total: 1 });
      expect((await ids({ directoryId: G })).ids).toEqual([users.ada, users.bob, users.cyd]);
      expect((await ids({ sync: 'in-sync' })).ids).toEqual([users.ada]);
      expect((await ids({ directoryId: G, sync: 'awaiting-first-login' })).ids).toEqual([users.cyd]);
      expect((await ids({ directoryId: M, sync: 'failing' })).ids).toEqual([]);
      expect((await ids({ sync: 'failing', failingReason: 'auth' })).ids).toEqual([users.bob]);
      expect((await ids({ sync: 'failing', failingReason: 'permanent' })).ids).toEqual([]);
      expect((await ids({ text: 'LOVE' })).ids).toEqual([users.ada]);
      expect((await ids({ text: 'adams' })).ids).toEqual([users.eve]);
      expect(await ids({ text: 'b', directoryId: G })).toEqual({ ids: [users.bob], total: 1 });
      expect(await ids({ state: 'active', directoryId: M })).toEqual({ ids: [users.ada, users.cyd, users.eve], total: 3 });
      expect(await ids({ state: 'suspended', directoryId: M, sync: 'paused' })).toEqual({ ids: [users.dan], total: 1 });
      expect(await ids({ directoryId: G, sync: 'failing', failingReason: 'auth' })).toEqual({ ids: [users.bob], total: 1 });
      expect(await ids({ directoryId: G, sync: 'in-sync' })).toEqual({ ids: [users.ada], total: 1 });
      expect(await ids({ state: 'active' })).toEqual({ ids: [users.ada, users.bob, users.cyd, users.eve], total: 4 });
      expect((await ids({ text: '  ' })).total).toBe(5);
      // cyd awaits a first login in both directories: one user.
      expect(await ids({ sync: 'awaiting-first-login' })).toEqual({ ids: [users.cyd], total: 1 });
      // Taken literally: no wildcard (SQL LIKE's `_` and `%` are escaped).
      expect((await ids({ text: '_' })).ids).toEqual([]);
      expect((await ids({ text: 'a%e' })).ids).toEqual([]);
    });

    it('sorts by email, name or update time, both ways, and pages by keyset cursor', async () => {
      const { view } = subject;
      expect(await allPages(view, { limit: 2 })).toEqual([users.ada, users.bob, users.cyd, users.dan, users.eve]);
      expect(await allPages(view, { limit: 2, order: 'desc' })).toEqual([users.eve, users.dan, users.cyd, users.bob, users.ada]);
      expect(await allPages(view, { limit: 3, sort: 'name' })).toEqual([users.ada, users.bob, users.cyd, users.dan, users.eve]);
      // ada's last change is her second push (day 2), the latest of all.
      expect(await allPages(view, { limit: 1, sort: 'updated', order: 'desc' })).toEqual([
        users.ada,
        users.eve,
        users.dan,
        users.cyd,
        users.bob,
      ]);
      const first = await view.list({ limit: 2, filter: { directoryId: G } });
      expect(first.total).toBe(3);
      expect(first.next).toEqual(expect.any(String));
      const second = await view.list({ limit: 2, filter: { directoryId: G }, ...(first.next === undefined ? {} : { after: first.next }) });
      expect(second.rows.map((r) => r.userId)).toEqual([users.cyd]);
      expect(second.next).toBeUndefined();
    });

    it('refuses a bad query with an error naming what is wrong', async () => {
      const { view } = subject;
      await expect(view.list({ limit: 0 })).rejects.toThrow(/limit must be an integer from 1 to 500/);
      await expect(view.list({ limit: 501 })).rejects.toThrow(/limit/);
      await expect(view.list({ after: 'not-a-cursor' })).rejects.toThrow(/cursor/);
      const page = await view.list({ limit: 1 });
      await expect(view.list({ sort: 'name', ...(page.next === undefined ? {} : { after: page.next }) })).rejects.toThrow(
        /made for sort email asc/,
      );
      await expect(view.list({ filter: { failingReason: 'auth' } })).rejects.toThrow(/needs sync: 'failing'/);
      // A reason is a code: a word that is not one is refused, not matched against nothing.
      const prose = { sync: 'failing', failingReason: 'rate-limit' } as unknown as UserListFilter;
      await expect(view.list({ filter: prose })).rejects.toThrow(
        /unknown failingReason 'rate-limit' \(expected one of retryable, permanent, auth\)/,
      );
    });

    it('ids(filter) yields every matching user', async () => {
      expect((await collect(subject.view.ids({ directoryId: M }))).sort()).toEqual([users.ada, users.cyd, users.dan, users.eve].sort());
      expect(await collect(subject.view.ids({ sync: 'failing' }))).toEqual([users.bob]);
    });

    it("owedUsers() names the users with work owed that needs no plaintext (binding emails not yet sent, suspending dan's account, a lease held)", async () => {
      expect(await collect(subject.view.owedUsers())).toEqual([users.bob, users.cyd, users.dan, users.eve]);
    });

    it('counts the rollout per directory and the completions per day', async () => {
      const rollout = await subject.view.rollout();
      expect(rollout).toEqual([
        {
          directoryId: G,
          bound: 3,
          awaitingFirstLogin: 1,
          inSync: 1,
          pending: 0,
          inFlight: 0,
          failing: 1,
          unresolved: 0,
          paused: 0,
          failingByReason: { auth: 1 },
          externalChanges: 0,
          externalChangesBySource: {},
        },
        {
          directoryId: M,
          bound: 4,
          awaitingFirstLogin: 1,
          inSync: 1,
          pending: 0,
          inFlight: 1,
          failing: 0,
          unresolved: 0,
          paused: 1,
          failingByReason: {},
          externalChanges: 0,
          externalChangesBySource: {},
        },
      ]);
      expect(await subject.view.completionOverTime(G)).toEqual([{ day: '2026-01-01', completed: 1 }]);
      expect(await subject.view.completionOverTime(M)).toEqual([{ day: '2026-01-02', completed: 1 }]);
      expect(await subject.view.completionOverTime(directoryId('nowhere'))).toEqual([]);
    });

    it('tallies the matching users and their bindings by what decides an admin action (the bulk preview at any size)', async () => {
      const all = await subject.view.tally({});
      const sum = <T extends { readonly count: number }>(xs: ReadonlyArray<T>, p: (x: T) => boolean = () => true) =>
        xs.filter(p).reduce((n, x) => n + x.count, 0);
      expect(sum(all.users)).toBe(5);
      expect(sum(all.users, (g) => g.state === 'suspended')).toBe(1);
      expect(sum(all.users, (g) => g.anyBinding)).toBe(5);
      expect(sum(all.bindings, (g) => g.directoryId === G)).toBe(3);
      expect(sum(all.bindings, (g) => g.directoryId === M)).toBe(4);
      // dan is suspended and his account is still owed a suspension: linked, not suspended yet.
      expect(sum(all.bindings, (g) => g.directoryId === M && g.state === 'suspended' && g.linked && !g.accountSuspended)).toBe(1);
      // ada completed the takeover in both: no binding mail owed there; cyd has not logged in: owed in both.
      const cyd = await subject.view.tally({ text: 'charisse' });
      expect(cyd.users).toEqual([expect.objectContaining({ state: 'active', count: 1 })]);
      expect(cyd.bindings.map((b) => [b.directoryId, b.bindingMailOwed, b.count])).toEqual([
        [G, true, 1],
        [M, true, 1],
      ]);
      const ada = await subject.view.tally({ text: 'lovelace' });
      expect(ada.bindings.map((b) => [b.directoryId, b.linked, b.bindingMailOwed, b.count])).toEqual([
        [G, true, false, 1],
        [M, true, false, 1],
      ]);
      // The same filter as the list: its total is the tally's user count.
      for (const filter of [{ directoryId: G }, { sync: 'failing' as const }, { state: 'active' as const, directoryId: M }]) {
        expect(sum((await subject.view.tally(filter)).users)).toBe((await subject.view.list({ filter })).total);
      }
      await expect(subject.view.tally({ failingReason: 'auth' })).rejects.toThrow(/needs sync: 'failing'/);
    });

    // A catch-up applies thousands of events per batch (users created, bound, logged in and pushed
    // within one), a live projection a few at a time: the list, its counts and the overview agree.
    it('answers the same whether the history came in one batch or one event at a time', async () => {
      const page = await subject.store.readAll({ maxCount: 10_000, decoder: anyEventDecoder })();
      if (E.isLeft(page)) throw new Error('cannot read the store');
      const everything = page.right.events.filter((e): e is Recorded => e.event !== null);
      const answers = (s: UserListSubject) =>
        Promise.all([
          s.view.list({ limit: 500 }),
          s.view.list({ filter: { sync: 'failing' }, limit: 500 }),
          s.view.rollout(),
          s.view.completionOverTime(G),
          s.view.tally({}),
          collect(s.view.owedUsers()),
        ]);
      const expected = await answers(subject);
      const whole = await options.setup(clock);
      let single: UserListSubject | undefined;
      try {
        single = await options.setup(clock);
        await whole.deliver(everything);
        for (const e of everything) await single.deliver([e]);
        expect(await answers(whole)).toEqual(expected);
        expect(await answers(single)).toEqual(expected);
      } finally {
        await Promise.all([whole.stop(), single?.stop()]);
      }
    });

    it('a batch delivered again, twice in parallel, changes nothing (at-least-once delivery)', async () => {
      const before = await subject.view.list({ limit: 500 });
      const page = await subject.store.readAll({ maxCount: 10_000, decoder: anyEventDecoder })();
      if (E.isLeft(page)) throw new Error('cannot read the store');
      const batch = page.right.events.filter((e): e is Recorded => e.event !== null);
      await Promise.all([subject.deliver(batch), subject.deliver(batch)]);
      expect(await subject.view.list({ limit: 500 })).toEqual(before);
      expect(await subject.view.rollout()).toHaveLength(2);
    });

    it('a restart resumes from the checkpoint and keeps applying new events', async () => {
      const before = await subject.view.list({ limit: 500 });
      subject = await subject.restart();
      await appends.settled(subject);
      expect(await subject.view.list({ limit: 500 })).toEqual(before);
      if (options.rebuildsOnRestart !== true) expect(subject.delivered()).toBe(0);
      await run(appends.store, { ...base(users.cyd, 30), type: 'ChangeAttributes', changes: { givenName: 'Cydney' }, by: admin });
      await appends.settled(subject);
      expect(await subject.view.get(users.cyd)).toMatchObject({ displayName: 'Cydney Charisse', updatedAt: at(30) });
      if (options.rebuildsOnRestart !== true) expect(subject.delivered()).toBe(1);
    });

    it('counts detected external password changes per directory and source, once each, through a redelivery, a restart and an unbind', async () => {
      const day2 = 24 * 60;
      const detect = (minute: number, dir: DirectoryId, source: 'login-check' | 'sweep') =>
        run(appends.store, {
          ...base(users.ada, minute),
          type: 'RecordExternalPasswordChange',
          directoryId: dir,
          changedAt: at(minute),
          source,
        });
      await detect(day2 + 20, M, 'sweep');
      // Detected again before the login that sets it back: the same change, not a second one (the core records nothing).
      await detect(day2 + 21, M, 'login-check');
      await detect(day2 + 22, G, 'login-check');
      await appends.settled(subject);
      const counts = async () =>
        (await subject.view.rollout()).map((r) => [r.directoryId, r.externalChanges, r.externalChangesBySource] as const);
      const expected = [
        [G, 1, { 'login-check': 1 }],
        [M, 1, { sweep: 1 }],
      ];
      expect(await counts()).toEqual(expected);
      const page = await subject.store.readAll({ maxCount: 10_000, decoder: anyEventDecoder })();
      if (E.isLeft(page)) throw new Error('cannot read the store');
      const batch = page.right.events.filter((e): e is Recorded => e.event !== null);
      await Promise.all([subject.deliver(batch), subject.deliver(batch)]);
      expect(await counts()).toEqual(expected);
      subject = await subject.restart();
      await appends.settled(subject);
      expect(await counts()).toEqual(expected);
      // Unbinding keeps what was detected there.
      await run(appends.store, { ...base(users.ada, day2 + 23), type: 'UnbindDirectory', directoryId: M, by: admin });
      await appends.settled(subject);
      expect(await counts()).toEqual(expected);
      expect(syncOf(await subject.view.get(users.ada))).toEqual({ google: 'pending' });
    });

    it('new users delivered twice in parallel are counted once (the list, its totals and the overview)', async () => {
      const before = await subject.view.rollout();
      const total = (await subject.view.list({})).total;
      const inM = (await subject.view.list({ filter: { directoryId: M } })).total;
      // Their events come from elsewhere (a scratch store), handed to the projection as a subscription would.
      const scratch = inMemoryEventStore();
      await connect(scratch, M, 'microsoft-entra', 'microsoft-entra', 'contoso.com');
      for (const [i, name] of ['neo', 'nia'].entries()) await createBound(scratch, userId(name), name, 'New', 'User', 50 + i, [M]);
      const page = await scratch.readAll({ maxCount: 10_000, decoder: anyEventDecoder })();
      if (E.isLeft(page)) throw new Error('cannot read the scratch store');
      const batch = page.right.events.filter((e): e is Recorded => e.event !== null && 'userId' in e.event.data);
      expect(batch.length).toBeGreaterThan(2);
      await Promise.all([subject.deliver(batch), subject.deliver(batch)]);
      expect((await subject.view.list({})).total).toBe(total + 2);
      expect((await subject.view.list({ filter: { directoryId: M } })).total).toBe(inM + 2);
      const m = (await subject.view.rollout()).find((r) => r.directoryId === M);
      const was = before.find((r) => r.directoryId === M);
      expect(m?.bound).toBe((was?.bound ?? 0) + 2);
      expect((m?.awaitingFirstLogin ?? 0) + (m?.paused ?? 0)).toBe((was?.awaitingFirstLogin ?? 0) + (was?.paused ?? 0) + 2);
      expect(before.find((r) => r.directoryId === G)).toEqual((await subject.view.rollout()).find((r) => r.directoryId === G));
    });

    it('a disconnected directory pauses its bindings', async () => {
      const r = await handleDirectoryCommand(appends.store, {
        type: 'DisconnectDirectory',
        commandId: nextCommandId(),
        directoryId: G,
        at: at(40),
      })();
      expect(E.isRight(r)).toBe(true);
      await appends.settled(subject);
      expect(syncOf(await subject.view.get(users.bob))).toEqual({ google: 'paused' });
      expect((await subject.view.list({ filter: { directoryId: G, sync: 'paused' } })).total).toBe(3);
    });
  });
};
