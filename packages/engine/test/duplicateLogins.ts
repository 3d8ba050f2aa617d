// Issue 13 (shared-quota's "duplicate pushes"): one user logging in on two engine instances at about
// the same moment must get each password set once per directory (R4, R5), counted at the directory
// per user and directory. Two engines over one shared store, real parallelism, no sleeps: the second
// login is started at a chosen point of the first instance's work (hooked in its connector).
import type { DirectoryConnector, PushRequest } from '@takeover/connector-kit';
import type { UserCommand, UserId } from '@takeover/core';
import { userId } from '@takeover/core';
import type { EventStore } from '@takeover/event-store';
import type { Engine } from '@takeover/engine';
import { GOOGLE, M365, PASSWORD, cmd, world } from './world.js';

/** The two instances' stores: one store shared, or two connections to one database. */
export interface TwoStores {
  readonly first: EventStore;
  readonly second: EventStore;
}

const USERS = 30;
let run = 0;

/**
 * When the second login starts: with the first (`together`); once the first is answered, before its
 * settle starts, on the instances' one clock standing still, so both settles try the lease in the same
 * millisecond (`same-millisecond`, as two quiet processes started at one moment do); as the first instance's password set is sent, answered, or once it settled.
 */
type Moment = 'together' | 'same-millisecond' | 'push-sent' | 'push-answered' | 'settled';

/** Counts password sets per external account; `before` / `after` run around each password set. */
const counting = (
  inner: DirectoryConnector,
  sets: Map<string, number>,
  hooks: { before?: (r: PushRequest) => Promise<void> | void; after?: (r: PushRequest) => void } = {},
): DirectoryConnector => ({
  ...inner,
  push: (request) => async () => {
    if (request.password !== undefined) await hooks.before?.(request);
    return inner
      .push(request)()
      .then((r) => {
        if (r._tag === 'Right' && request.password !== undefined) {
          sets.set(request.externalId, (sets.get(request.externalId) ?? 0) + 1);
          hooks.after?.(request);
        }
        return r;
      });
  },
});

const ids: ReadonlyArray<readonly [string, (u: UserId) => readonly [UserCommand, UserCommand]]> = [
  [
    'own command ids',
    (u) => {
      const first = cmd.logIn(u);
      // Two logins in the same millisecond: two commands, so two logins (issue 13: the second was taken for a retry of the first).
      return [first, { ...cmd.logIn(u), at: first.at }];
    },
  ],
  [
    'one command id sent to both',
    (u) => {
      const c = cmd.logIn(u);
      return [c, c];
    },
  ],
];
const moments: ReadonlyArray<Moment> = ['together', 'same-millisecond', 'push-sent', 'push-answered', 'settled'];

/** The suite, over the stores `open` gives each test. */
export const duplicateLogins = (open: () => Promise<TwoStores>): void =>
  describe.each(ids)('one user logging in on two instances (%s)', (_name, logins) => {
    test.each(moments)(
      `second login %s: each password set once per user and directory (R4, R5), ${USERS} users`,
      async (moment) => {
        const stores = await open();
        const stopped = Date.now();
        const clock = moment === 'same-millisecond' ? { clock: { now: () => stopped } } : {};
        const w = await world({ store: stores.first, ...clock });
        const sets = { google: new Map<string, number>(), m365: new Map<string, number>() };
        const userOf = new Map<string, UserId>();
        const second = new Map<UserId, UserCommand>();
        const started: Array<Promise<unknown>> = [];
        const engines: Engine[] = [];
        const startSecond = (u: UserId | undefined) => {
          const c = u === undefined ? undefined : second.get(u);
          if (u === undefined || c === undefined) return;
          second.delete(u);
          const answer = (engines[1] as Engine).execute(c)();
          secondAnswered.set(`user-${u}`, answer);
          started.push(answer);
        };
        // `same-millisecond`: the first instance's lease waits until the second login is stored, so
        // both settles start from a state without a lease and the first one's append meets the other's.
        const secondAnswered = new Map<string, Promise<unknown>>();
        const gated = new Proxy(stores.first, {
          get: (target, key, receiver): unknown =>
            key === 'appendToStream' && moment === 'same-millisecond'
              ? (...args: Parameters<EventStore['appendToStream']>) =>
                  () =>
                    (args[1].some((e) => e.type === 'PushStarted')
                      ? (secondAnswered.get(args[0]) ?? Promise.resolve())
                      : Promise.resolve()
                    ).then(() => target.appendToStream(...args)())
              : Reflect.get(target, key, receiver),
        });
        // `same-millisecond`: a password set waits until the other instance has met the same push
        // (refused its lease, or sending the password too), so the lease is in flight while the other decides.
        const met = [new Map<string, () => void>(), new Map<string, () => void>()] as const;
        const meeting = [new Map<string, Promise<void>>(), new Map<string, Promise<void>>()] as const;
        const metBy = (k: 0 | 1, account: string): Promise<void> => {
          const known = meeting[k].get(account);
          if (known !== undefined) return known;
          const p = new Promise<void>((resolve) => met[k].set(account, resolve));
          meeting[k].set(account, p);
          return p;
        };
        const meet = (k: 0 | 1, account: string): void => {
          void metBy(k, account);
          met[k].get(account)?.();
        };
        const loggerOf = (k: 0 | 1) => ({
          ...w.logger,
          debug: (message: string, fields?: Readonly<Record<string, unknown>>) => {
            if (message === 'push not started' && typeof fields?.pushId === 'string') meet(k, fields.pushId.split('/')[4] ?? '');
            w.logger.debug(message, fields);
          },
        });
        const meetingHooks = (k: 0 | 1) =>
          moment === 'same-millisecond'
            ? {
                before: (r: PushRequest) => {
                  meet(k, r.externalId);
                  return metBy(k === 0 ? 1 : 0, r.externalId);
                },
              }
            : {};
        const hooks =
          moment === 'push-sent'
            ? { before: (r: PushRequest) => startSecond(userOf.get(r.externalId)) }
            : moment === 'push-answered'
              ? { after: (r: PushRequest) => startSecond(userOf.get(r.externalId)) }
              : {};
        engines.push(
          w.newEngine({
            store: gated,
            logger: loggerOf(0),
            connectors: {
              [GOOGLE]: counting(w.connectors.google, sets.google, { ...hooks, ...meetingHooks(0) }),
              [M365]: counting(w.connectors.m365, sets.m365, { ...hooks, ...meetingHooks(0) }),
            },
          }),
          w.newEngine({
            store: stores.second,
            logger: loggerOf(1),
            connectors: {
              [GOOGLE]: counting(w.connectors.google, sets.google, meetingHooks(1)),
              [M365]: counting(w.connectors.m365, sets.m365, meetingHooks(1)),
            },
          }),
        );
        const [a] = engines as [Engine, Engine];
        run++;
        const users: UserId[] = [];
        const keys: Array<{ google: string; m365: string }> = [];
        for (let i = 0; i < USERS; i++) {
          const u = userId(`dup${run}x${i}`);
          const attrs = { email: `dup${run}x${i}@example.com`, givenName: 'Dup', familyName: `N${i}` };
          const ext = await w.seedAccounts(attrs);
          await w.run(cmd.createActive(u, attrs, PASSWORD));
          await w.run(cmd.bind(u, GOOGLE, ext.google));
          await w.run(cmd.bind(u, M365, ext.m365));
          userOf.set(ext.google, u).set(ext.m365, u);
          users.push(u);
          keys.push(ext);
        }
        await w.engine.idle();
        const answers = await Promise.all(
          users.map(async (u) => {
            const [first, then] = logins(u);
            second.set(u, then);
            if (moment === 'together') startSecond(u);
            const r = await a.execute(first)();
            // Answered; its settle starts on the next turn of the event loop, the second login's before it.
            if (moment === 'same-millisecond') startSecond(u);
            if (moment === 'settled') {
              await a.whenSettled(u);
              startSecond(u);
            }
            return r;
          }),
        );
        await Promise.all(engines.map((e) => e.idle()));
        const seconds = await Promise.all(started);
        await Promise.all(engines.map((e) => e.idle()));
        expect([...answers, ...seconds].filter((r) => (r as { _tag: string })._tag === 'Left')).toEqual([]);
        expect(seconds).toHaveLength(USERS);
        const notOnce = keys.flatMap((k, i) => [
          ...(sets.google.get(k.google) === 1 ? [] : [`dup${i} google ${sets.google.get(k.google) ?? 0}`]),
          ...(sets.m365.get(k.m365) === 1 ? [] : [`dup${i} m365 ${sets.m365.get(k.m365) ?? 0}`]),
        ]);
        expect(notOnce).toEqual([]);
        // Two commands are two logins, even in one millisecond; one command sent twice is one (issue 13).
        const [firstLogin, secondLogin] = logins(userId('x'));
        const expectedLogins = firstLogin.commandId === secondLogin.commandId ? 1 : 2;
        const loginsOf = await Promise.all(
          users.map(async (u) => {
            const events = await stores.first.readStream(`user-${u}`)();
            return events._tag === 'Right' ? events.right.filter((r) => r.event.type === 'PortalLogin').length : -1;
          }),
        );
        expect(loginsOf.filter((n) => n !== expectedLogins)).toEqual([]);
        await Promise.all(engines.map((e) => e.close()));
        await w.close();
      },
      60_000,
    );
  });
