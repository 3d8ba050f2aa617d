/// <reference types="jest" />
// Jest's globals, not an import of @jest/globals: that CommonJS module has no ESM named exports.
import * as E from 'fp-ts/lib/Either.js';
import type { OwedPush, PushFailure, UserId } from '@takeover/core';
import { Secret, commandId, directoryId, owed, userId } from '@takeover/core';
import type { EventStore } from '@takeover/event-store';
import type { AuditLog, AuditQuery } from '../read-models/auditLog.js';
import type { Recorded } from '../read-models/events.js';
import { anyEventDecoder } from '../read-models/events.js';
import { handleDirectoryCommand } from '../commands.js';
import type { PortalNotifications } from '../read-models/notifications.js';
import type { DirectoryHealthView } from '../read-models/syncStatus.js';
import type { WhyView } from '../read-models/why.js';
import { G, M, PASSWORD, admin, at, contractWorld, trackedAppends } from './contractWorld.js';

/** The audit log, the portal's notifications, "why" and directory health under test, fed from `store` (its own, empty at setup). */
export interface ReadSideSubject {
  readonly store: EventStore;
  readonly audit: AuditLog;
  readonly notifications: PortalNotifications;
  readonly why: WhyView;
  readonly health: DirectoryHealthView;
  /** Resolves once every event appended so far is reflected in the views. */
  readonly catchUp: () => Promise<void>;
  /** Hands a batch straight to the projections, as a subscription delivering it again would. */
  readonly deliver: (events: ReadonlyArray<Recorded>) => Promise<void>;
  /** Stops feeding the views and starts again from the saved checkpoint (a process restart); resolves with the restarted subject. */
  readonly restart: () => Promise<ReadSideSubject>;
  /** How many events the projections have been handed since this subject (re)started. */
  readonly delivered: () => number;
  readonly stop: () => Promise<void>;
}

export interface ReadSideContractOptions {
  /** A fresh, empty subject. */
  readonly setup: () => Promise<ReadSideSubject>;
  /** `restart` rebuilds from the start (the in-memory views): skip the "without re-applying" check. */
  readonly rebuildsOnRestart?: boolean;
  readonly skip?: string;
}

/** Carol's second directory, `passwordPush: 'when-changed'`. */
const F = directoryId('fabrikam');
const AUTH: PushFailure = { class: 'auth', code: 'unauthorized_client', message: 'Client is unauthorized' };
const { base, run, connect, createBound } = contractWorld('rsc');
let counter = 0;

const strip = ({ needsPlaintext: _n, lastFailure: _l, ...push }: OwedPush) => push;

/** A login whose pushes are started and ended as the engine would: each carries the login's event id as correlation id. */
const logIn = async (store: EventStore, u: UserId, minute: number, outcome: (p: OwedPush) => PushFailure | 'ok') => {
  const r = await run(store, { ...base(u, minute), type: 'LogIn', password: Secret.of(PASSWORD) });
  const login = r.events.find((e) => e.type === 'PortalLogin')?.metadata?.eventId;
  if (login === undefined) throw new Error('fixture: the login appended no PortalLogin');
  for (const p of owed(r.state, r.directories, { now: at(minute) }).pushes) {
    await run(store, { ...base(u, minute), type: 'RecordPushStarted', push: strip(p), correlationId: login });
    const o = outcome(p);
    await run(
      store,
      o === 'ok'
        ? { ...base(u, minute), type: 'RecordPushSucceeded', push: strip(p), correlationId: login, sessionsEnded: p.directoryId === M }
        : { ...base(u, minute), type: 'RecordPushFailed', push: strip(p), correlationId: login, failure: o },
    );
  }
  return login;
};

/** An admin's profile change sent without a login (no plaintext needed, no correlation id), as the engine does. */
const profileUpdate = async (store: EventStore, u: UserId, minute: number) => {
  const r = await run(store, { ...base(u, minute), type: 'ChangeAttributes', changes: { department: 'Sales' }, by: admin });
  const pushes = owed(r.state, r.directories, { now: at(minute) }).pushes.filter((p) => !p.needsPlaintext);
  if (pushes.length === 0) throw new Error('fixture: the profile change owes no push without the password');
  for (const p of pushes) {
    await run(store, { ...base(u, minute), type: 'RecordPushStarted', push: strip(p) });
    await run(store, { ...base(u, minute), type: 'RecordPushSucceeded', push: strip(p) });
  }
};

/**
 * Ada: bound to both, first login pushes her password to both; an admin changes her profile, her
 * second login carries it: Microsoft 365 takes it, Google refuses (auth). Bob: bound to Microsoft
 * 365, whose first attempt fails on auth and then succeeds. So Google needs an admin, Microsoft 365 no longer does.
 * Carol: bound to Microsoft 365, her password there is changed outside the portal (by her, says the
 * directory) and set back at her next login; then an admin changes her profile, sent without a login.
 * Exported for tests of several instances running the same projections; user ids are unique per call.
 */
/** The users the fixture made and the event ids of Ada's two logins. */
export interface ReadSideFixture {
  readonly ada: UserId;
  readonly bob: UserId;
  readonly firstLogin: string;
  readonly secondLogin: string;
  /** Bound to Microsoft 365 (contoso.com) and a `when-changed` Microsoft 365 (fabrikam.com); her password was changed outside the portal. */
  readonly carol: UserId;
  /** Carol's login that set her Microsoft 365 password back (at minute 12; changed there at minute 10). */
  readonly setBackLogin: string;
}

export const readSideFixture = async (store: EventStore): Promise<ReadSideFixture> => {
  await connect(store, G, 'google-workspace', 'Google Workspace', 'example.com');
  await connect(store, M, 'microsoft-entra', 'Microsoft 365', 'contoso.com');
  const user = (name: string, given: string, minute: number, dirs: ReadonlyArray<typeof G>) =>
    createBound(store, userId(`${name}-${++counter}`), name, given, 'Fixture', minute, dirs);
  const ada = await user('ada', 'Ada', 1, [G, M]);
  const firstLogin = await logIn(store, ada, 2, () => 'ok');
  await run(store, { ...base(ada, 3), type: 'ChangeAttributes', changes: { jobTitle: 'Analyst', department: 'Research' }, by: admin });
  const secondLogin = await logIn(store, ada, 4, (p) => (p.directoryId === G ? AUTH : 'ok'));
  const bob = await user('bob', 'Bob', 5, [M]);
  await logIn(store, bob, 6, () => AUTH);
  await logIn(store, bob, 7, () => 'ok');
  // A third directory whose password goes only with a password change: a profile change is sent there without a login.
  const connected = await handleDirectoryCommand(store, {
    type: 'ConnectDirectory',
    commandId: commandId(`rsc-connect-${F}`),
    directoryId: F,
    at: at(0),
    kind: 'microsoft-entra',
    displayName: 'Microsoft 365',
    domain: 'fabrikam.com',
    policy: { passwordPush: 'when-changed' },
  })();
  if (E.isLeft(connected)) throw new Error('fixture: cannot connect the third directory');
  const carol = await user('carol', 'Carol', 8, [M, F]);
  await logIn(store, carol, 9, () => 'ok');
  await run(store, {
    ...base(carol, 11),
    type: 'RecordExternalPasswordChange',
    directoryId: M,
    changedAt: at(10),
    source: 'sweep',
    by: 'carol@contoso.com',
  });
  const setBackLogin = await logIn(store, carol, 12, () => 'ok');
  await profileUpdate(store, carol, 13);
  return { ada, bob, firstLogin, secondLogin, carol, setBackLogin };
};

const userEventsOf = async (store: EventStore, u?: UserId): Promise<ReadonlyArray<Recorded>> => {
  const page = await store.readAll({ maxCount: 10_000, decoder: anyEventDecoder })();
  if (E.isLeft(page)) throw new Error('cannot read the store');
  return page.right.events.filter(
    (e): e is Recorded => e.event !== null && 'userId' in e.event.data && (u === undefined || e.event.data.userId === u),
  );
};

const allPages = async (audit: AuditLog, q: AuditQuery) => {
  const out: string[] = [];
  let after: string | undefined;
  for (let i = 0; i < 1_000; i++) {
    const page = await audit.page({ ...q, ...(after === undefined ? {} : { after }) });
    out.push(...page.entries.map((e) => e.eventId));
    if (page.next === undefined) return out;
    after = page.next;
  }
  throw new Error('more than 1,000 pages');
};

/** Everything the four views answer about the fixture, to compare before and after a redelivery or a restart. */
const snapshot = async (s: ReadSideSubject, users: ReadonlyArray<UserId>) =>
  Promise.all([
    ...users.flatMap((u) => [
      s.audit.forUser(u),
      s.audit.logins(u),
      s.notifications.forUser(u, 500),
      s.notifications.recent(u, { limit: 500 }),
      s.why.pushesOf(u),
    ]),
    s.audit.page({ limit: 500 }),
    s.health.directoryHealth(G),
    s.health.directoryHealth(M),
  ]);

/** The contract of `AuditLog`, `PortalNotifications`, `WhyView` and `DirectoryHealthView`: the in-memory views and every persisted one run all of it. */
export const readSideContract = (name: string, options: ReadSideContractOptions): void => {
  const suite = options.skip === undefined ? describe : describe.skip;
  suite(`read-side contract: ${name}${options.skip === undefined ? '' : ` (skipped: ${options.skip})`}`, () => {
    let subject: ReadSideSubject;
    let f: ReadSideFixture;
    let appends: ReturnType<typeof trackedAppends>;
    beforeAll(async () => {
      subject = await options.setup();
      appends = trackedAppends(subject.store);
      f = await readSideFixture(appends.store);
      await appends.settled(subject);
    });
    afterAll(async () => {
      await subject.stop();
    });

    describe('AuditLog', () => {
      it("R9 has one entry per user event, in the user's order, in words; each login with the directories its password reached", async () => {
        const events = await userEventsOf(subject.store, f.ada);
        const entries = await subject.audit.forUser(f.ada);
        expect(entries.map((e) => [e.eventId, e.type])).toEqual(events.map((e) => [e.id, e.event.type]));
        for (const e of entries) expect(e.summary).not.toBe(e.type);
        expect(entries.map((e) => e.summary)).toEqual(
          expect.arrayContaining([
            'Created (active)',
            'Bound in Google Workspace (example.com)',
            'Logged in to the portal',
            "Password and profile synchronised in Microsoft 365 (contoso.com); the user's other sessions there were ended",
            'Profile changed: jobTitle, department',
            'Synchronisation failed in Google Workspace (example.com): Client is unauthorized',
          ]),
        );
        expect(entries.find((e) => e.type === 'AttributesChanged')).toMatchObject({ by: 'admin-1 (admin)', userId: f.ada, at: at(3) });
        expect(entries.find((e) => e.type === 'PushSucceeded')?.directoryId).toBe(G);
        const logins = await subject.audit.logins(f.ada);
        expect(logins.map((l) => l.eventId)).toEqual([f.firstLogin, f.secondLogin]);
        expect(logins[0]?.synchronised.map((s) => s.label).sort()).toEqual([
          'Google Workspace (example.com)',
          'Microsoft 365 (contoso.com)',
        ]);
        expect(logins[1]?.synchronised).toEqual([{ directoryId: M, label: 'Microsoft 365 (contoso.com)', at: at(4) }]);
        expect(await subject.audit.forUser(userId('nobody'))).toEqual([]);
        expect(await subject.audit.logins(userId('nobody'))).toEqual([]);
      });

      it('R16 says a change outside the portal in one sentence: its first half alone, then set back at the login, with who changed it', async () => {
        const entries = await subject.audit.forUser(f.carol);
        expect(entries.find((e) => e.type === 'ExternalPasswordChangeDetected')).toMatchObject({
          summary: 'Changed in Microsoft 365 (contoso.com) outside the portal on 1 Jan 2026 00:10 UTC',
          by: 'carol@contoso.com in Microsoft 365 (contoso.com)',
          directoryId: M,
        });
        const setBack = entries.find((e) => e.type === 'PushSucceeded' && e.summary.startsWith('Changed in'));
        expect(setBack?.eventId).toBe(entries.filter((e) => e.type === 'PushSucceeded' && e.directoryId === M).at(1)?.eventId);
        expect(setBack?.summary).toBe(
          "Changed in Microsoft 365 (contoso.com) outside the portal on 1 Jan 2026 00:10 UTC; set back at the login on 1 Jan 2026 00:12 UTC; the user's other sessions there were ended",
        );
        expect(entries.find((e) => e.type === 'UserCreated')?.by).toBe('admin-1 (admin)');
        for (const e of entries) expect(e.summary).not.toMatch(/version|push\/|rsc-|m365\b|google\b|admin:/);
      });

      it('pages newest first by keyset, per user and for everyone, until every entry was shown once', async () => {
        const ada = (await userEventsOf(subject.store, f.ada)).map((e) => e.id).reverse();
        expect(await allPages(subject.audit, { userId: f.ada, limit: 4 })).toEqual(ada);
        const everyone = (await userEventsOf(subject.store)).map((e) => e.id).reverse();
        expect(await allPages(subject.audit, { limit: 7 })).toEqual(everyone);
        const one = await subject.audit.page({ userId: f.bob, limit: 1 });
        expect(one.entries).toHaveLength(1);
        expect(one.next).toEqual(expect.any(String));
        const all = await subject.audit.page({ userId: f.bob, limit: 500 });
        expect(all.next).toBeUndefined();
        expect(await subject.audit.page({ userId: userId('nobody') })).toEqual({ entries: [] });
      });

      it('refuses a bad page query with an error naming what is wrong', async () => {
        await expect(subject.audit.page({ limit: 0 })).rejects.toThrow(/limit must be an integer from 1 to 500/);
        await expect(subject.audit.page({ limit: 501 })).rejects.toThrow(/limit/);
        await expect(subject.audit.page({ after: 'not-a-cursor' })).rejects.toThrow(/cursor "not-a-cursor" is not one this log returned/);
      });
    });

    describe('PortalNotifications', () => {
      it('R9 one notification per successful push, newest first, bounded by the limit', async () => {
        const succeeded = (await userEventsOf(subject.store, f.ada)).filter((e) => e.event.type === 'PushSucceeded');
        const notes = await subject.notifications.forUser(f.ada);
        expect(notes.map((n) => n.id)).toEqual(
          succeeded.map((e) => (e.event.type === 'PushSucceeded' ? e.event.data.pushId : '')).reverse(),
        );
        expect(notes[0]).toMatchObject({
          userId: f.ada,
          directoryId: M,
          passwordChanged: true,
          sessionsEnded: true,
          message:
            'Your password was updated in Microsoft 365 (contoso.com). You were signed out of your other sessions there: sign in again with your new password.',
        });
        expect(notes.map((n) => n.message)).toContain('Your password was updated in Google Workspace (example.com).');
        expect(await subject.notifications.forUser(f.ada, 1)).toEqual(notes.slice(0, 1));
        expect(await subject.notifications.forUser(userId('nobody'))).toEqual([]);
        await expect(subject.notifications.forUser(f.ada, 0)).rejects.toThrow(/limit must be an integer from 1 to 500/);
      });

      it('groups the recent ones by the login that caused them, newest first, leaving out dismissed groups', async () => {
        const ada = await subject.notifications.recent(f.ada);
        expect(ada.map((g) => [g.id, g.cause, g.at, g.heading, g.notifications.length])).toEqual([
          [f.secondLogin, 'login', at(4), 'At your login on 1 Jan 2026 00:04 UTC', 1],
          [f.firstLogin, 'login', at(2), 'At your login on 1 Jan 2026 00:02 UTC', 2],
        ]);
        expect(ada[1]?.notifications.map((n) => n.groupId)).toEqual([f.firstLogin, f.firstLogin]);
        expect(ada[0]?.userId).toBe(f.ada);
        expect(await subject.notifications.recent(f.ada, { limit: 1 })).toEqual(ada.slice(0, 1));
        expect(await subject.notifications.recent(f.ada, { since: at(3) })).toEqual(ada.slice(0, 1));
        expect(await subject.notifications.recent(f.ada, { since: at(5) })).toEqual([]);
        expect(await subject.notifications.recent(f.ada, { leaveOut: [f.secondLogin] })).toEqual(ada.slice(1));
        const carol = await subject.notifications.recent(f.carol);
        expect(carol.map((g) => [g.cause, g.heading, g.notifications.map((n) => n.message)])).toEqual([
          ['update', 'On 1 Jan 2026 00:13 UTC', ['Your profile was updated in Microsoft 365 (fabrikam.com).']],
          [
            'login',
            'At your login on 1 Jan 2026 00:12 UTC',
            [
              'Your Microsoft 365 (contoso.com) password had been changed outside the portal; it is your portal password again. You were signed out of your other sessions there.',
            ],
          ],
          [
            'login',
            'At your login on 1 Jan 2026 00:09 UTC',
            expect.arrayContaining([
              'Your password was updated in Microsoft 365 (contoso.com). You were signed out of your other sessions there: sign in again with your new password.',
              'Your password was updated in Microsoft 365 (fabrikam.com).',
            ]),
          ],
        ]);
        expect(carol[1]?.id).toBe(f.setBackLogin);
        expect(await subject.notifications.recent(userId('nobody'))).toEqual([]);
        await expect(subject.notifications.recent(f.ada, { limit: 501 })).rejects.toThrow(/limit must be an integer from 1 to 500/);
      });
    });

    describe('WhyView', () => {
      it('explains each push: the changes that made it owed, who made them, the login that carried it, the outcome', async () => {
        const m365 = await subject.why.pushesOf(f.ada, M);
        expect(m365.map((p) => p.push.reason)).toEqual(['takeover', 'attributes-changed']);
        expect(m365[1]?.causes.map((c) => [c.type, c.by, c.detail])).toEqual([
          ['AttributesChanged', 'admin-1 (admin)', 'jobTitle, department'],
        ]);
        expect(m365[1]?.carriedBy).toMatchObject({ eventId: f.secondLogin, type: 'PortalLogin' });
        expect(m365[1]?.outcome).toEqual({ status: 'succeeded', at: at(4) });
        expect(m365[0]?.causes.map((c) => c.type)).toEqual(['UserCreated', 'PasswordSet', 'UserBound', 'ExternalAccountLinked']);
        const google = await subject.why.pushesOf(f.ada, G);
        expect(google[1]?.outcome).toEqual({ status: 'failed', at: at(4), failure: AUTH });
        expect((await subject.why.pushesOf(f.ada)).map((p) => p.push.pushId).sort()).toEqual(
          [...m365, ...google].map((p) => p.push.pushId).sort(),
        );
        const id = m365[1]?.push.pushId ?? '';
        expect(await subject.why.why(id)).toEqual(m365[1]);
        expect(await subject.why.why('push/unknown')).toBeUndefined();
        expect(await subject.why.pushesOf(userId('nobody'))).toEqual([]);
      });

      it('R16 explains a set-back push by the change outside the portal (when, by whom, the directory by name) and the login that carried it', async () => {
        const pushes = await subject.why.pushesOf(f.carol, M);
        const setBack = pushes.find((p) => p.push.reason === 'external-change');
        expect(setBack?.causes).toEqual([
          expect.objectContaining({
            type: 'ExternalPasswordChangeDetected',
            changedAt: at(10),
            at: at(11),
            by: 'carol@contoso.com in Microsoft 365 (contoso.com)',
            detail: 'Changed in Microsoft 365 (contoso.com) outside the portal on 1 Jan 2026 00:10 UTC',
          }),
        ]);
        expect(setBack?.carriedBy).toMatchObject({ eventId: f.setBackLogin, type: 'PortalLogin', at: at(12) });
        expect(setBack?.outcome).toEqual({ status: 'succeeded', at: at(12) });
      });
    });

    describe('DirectoryHealthView', () => {
      it('R12 an auth failure marks the directory as needing an admin until a call there succeeds', async () => {
        expect(await subject.health.directoryHealth(G)).toEqual({
          directoryId: G,
          needsAdmin: true,
          lastAuthFailure: { ...AUTH, at: at(4) },
        });
        expect(await subject.health.directoryHealth(M)).toEqual({
          directoryId: M,
          needsAdmin: false,
          lastAuthFailure: { ...AUTH, at: at(6) },
        });
        expect(await subject.health.directoryHealth(directoryId('nowhere'))).toEqual({ directoryId: 'nowhere', needsAdmin: false });
      });
    });

    // A catch-up applies thousands of events per batch; a live projection a few at a time. Whatever the
    // batches, the views say the same: what a push is grouped by, explained by or followed by may be
    // earlier in the same batch or in an earlier one.
    it('answers the same whether the history came in one batch or one event at a time', async () => {
      const page = await subject.store.readAll({ maxCount: 10_000, decoder: anyEventDecoder })();
      if (E.isLeft(page)) throw new Error('cannot read the store');
      const everything = page.right.events.filter((e): e is Recorded => e.event !== null);
      const users = [f.ada, f.bob, f.carol];
      const expected = await snapshot(subject, users);
      const whole = await options.setup();
      let single: ReadSideSubject | undefined;
      try {
        single = await options.setup();
        await whole.deliver(everything);
        for (const e of everything) await single.deliver([e]);
        expect(await snapshot(whole, users)).toEqual(expected);
        expect(await snapshot(single, users)).toEqual(expected);
      } finally {
        await Promise.all([whole.stop(), single?.stop()]);
      }
    });

    it('a batch delivered again, twice in parallel, changes nothing (at-least-once delivery)', async () => {
      const before = await snapshot(subject, [f.ada, f.bob, f.carol]);
      const batch = await userEventsOf(subject.store);
      const page = await subject.store.readAll({ maxCount: 10_000, decoder: anyEventDecoder })();
      if (E.isLeft(page)) throw new Error('cannot read the store');
      const everything = page.right.events.filter((e): e is Recorded => e.event !== null);
      await Promise.all([subject.deliver(everything), subject.deliver(everything), subject.deliver(batch.slice(3, 9))]);
      expect(await snapshot(subject, [f.ada, f.bob, f.carol])).toEqual(before);
    });

    it('a restart resumes from the checkpoint and keeps applying new events', async () => {
      const before = await snapshot(subject, [f.ada, f.bob, f.carol]);
      subject = await subject.restart();
      await subject.catchUp();
      expect(await snapshot(subject, [f.ada, f.bob, f.carol])).toEqual(before);
      if (options.rebuildsOnRestart !== true) expect(subject.delivered()).toBe(0);
      // Google's credentials are fixed: Ada's profile push there succeeds at her next login.
      await logIn(appends.store, f.ada, 20, () => 'ok');
      await appends.settled(subject);
      expect(await subject.health.directoryHealth(G)).toMatchObject({ needsAdmin: false });
      const notes = await subject.notifications.forUser(f.ada);
      expect(notes[0]).toMatchObject({
        directoryId: G,
        at: at(20),
        passwordChanged: true,
        message: 'Your password was updated in Google Workspace (example.com).',
      });
      expect((await subject.audit.page({ userId: f.ada, limit: 1 })).entries[0]?.type).toBe('PushSucceeded');
      const google = await subject.why.pushesOf(f.ada, G);
      // The retried push keeps its id (one per record version): its outcome is now the success, its start the first attempt's.
      expect(google.map((p) => [p.outcome?.status, p.startedAt])).toEqual([
        ['succeeded', at(2)],
        ['succeeded', at(4)],
      ]);
      if (options.rebuildsOnRestart !== true) expect(subject.delivered()).toBe(3);
    });
  });
};
