// The directories' hard edges, engine side (issue "real tenants"): propagation after a link, an
// ambiguous password push (R17), a directory that refuses everyone vs one account, leases left by
// a crashed instance, an account gone from the directory. Against the kit's in-memory directory
// wrapped to misbehave; edges-emulators.test.ts runs the same against the strict emulators.
import type { ExternalUserId } from '@takeover/connector-kit';
import * as E from 'fp-ts/lib/Either.js';
import type { DirectoryId, PushDescription, UserCommand, UserId } from '@takeover/core';
import { commandId, isoTime, pushDue } from '@takeover/core';
import { handleUserCommand, loadDirectories, loadUser } from '@takeover/engine';
import { GOOGLE, M365, PASSWORD, activeAdaBound, ada, bindingsOf, changePasswordOutside, cmd, uid, world } from './world.js';
import type { World } from './world.js';

const id = (s: string) => s as ExternalUserId;
const notFound = {
  _tag: 'permanent',
  reason: 'not-found',
  provider: { status: 404, code: 'Request_ResourceNotFound', message: 'Resource does not exist' },
} as const;
const forbidden = {
  _tag: 'permanent',
  reason: 'forbidden',
  provider: { status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' },
} as const;
const timedOut = {
  _tag: 'retryable',
  reason: 'timeout',
  provider: { code: 'TimeoutError', message: 'no answer within 30000 ms' },
} as const;

let current: World | undefined;
const open = async (overrides: Parameters<typeof world>[0] = {}): Promise<World> => {
  current = await world(overrides);
  return current;
};
afterEach(async () => {
  await current?.close();
  current = undefined;
});

/** The push owed to this user's binding now, as the core decides it. */
const duePush = async (w: World, u: UserId, d: DirectoryId): Promise<PushDescription> => {
  const user = await loadUser(w.store, u)();
  if (E.isLeft(user) || user.right.state.status === 'absent') throw new Error('no user');
  const dirs = await loadDirectories(w.store, [d])();
  const binding = user.right.state.bindings[d];
  if (E.isLeft(dirs) || binding === undefined) throw new Error('no binding');
  const due = pushDue(user.right.state, binding, dirs.right[d]);
  if (due === undefined) throw new Error('nothing due');
  return due;
};
const pushes = (w: World, which: 'google' | 'm365') => w.connectors[which].calls().filter((c) => c.op === 'push');

describe('propagation: a directory that does not know a just-linked account yet', () => {
  test('a not-found within the window after the link is retried, never recorded as permanent, and the takeover completes', async () => {
    const w = await open();
    const { ext, u } = await activeAdaBound(w);
    w.connectors.m365.failNext(3, notFound);
    await w.run(cmd.logIn(u));
    await w.engine.idle();
    expect(await w.m365.target.passwordMatches(id(ext.m365), PASSWORD)).toBe(true);
    const b = (await bindingsOf(w.store, u))[M365];
    expect(b?.takeoverComplete).toBe(true);
    expect(b?.lastFailure).toBeNull();
  });

  test('outside the window a not-found is the account gone: the push fails, and an account the engine found is looked up again', async () => {
    const w = await open({ propagationWindowMs: 0 });
    const u = uid('ada');
    await w.seedAccounts(ada);
    await w.run(cmd.createActive(u, ada, PASSWORD));
    await w.run(cmd.bind(u, GOOGLE)); // no key: the engine matches the account by email
    await w.engine.idle();
    w.connectors.google.failNext(1, notFound);
    await w.run(cmd.logIn(u));
    await w.engine.idle();
    const b = (await bindingsOf(w.store, u))[GOOGLE];
    // The account was found again (it still exists here), the old not-found no longer holds the push back.
    expect(b?.link).toMatchObject({ status: 'linked', how: 'matched-email' });
    expect(b?.lastFailure).toBeNull();
    await w.run(cmd.logIn(u));
    await w.engine.idle();
    expect(b?.link.status === 'linked' && (await w.google.target.passwordMatches(id(b.link.externalKey), PASSWORD))).toBe(true);
  });

  test('an account the admin named (given key) is not second-guessed: the not-found stays for the admin', async () => {
    const w = await open({ propagationWindowMs: 0 });
    const { u } = await activeAdaBound(w);
    w.connectors.google.failNext(1, notFound);
    await w.run(cmd.logIn(u));
    await w.engine.idle();
    const b = (await bindingsOf(w.store, u))[GOOGLE];
    expect(b?.link).toMatchObject({ status: 'linked', how: 'given' });
    expect(b?.lastFailure?.failure).toMatchObject({ class: 'permanent', reason: 'not-found' });
  });
});

describe('R17 an ambiguous password push is resolved before anything is sent again', () => {
  test('the set landed but the answer was lost: the engine asks the directory and sends nothing more (one reset)', async () => {
    const w = await open();
    const { ext, u } = await activeAdaBound(w);
    w.connectors.m365.loseAnswers('push', 1, timedOut);
    await w.run(cmd.logIn(u));
    await w.engine.idle();
    expect(pushes(w, 'm365')).toHaveLength(1);
    expect(w.connectors.m365.calls().filter((c) => c.op === 'lastPasswordChange')).toHaveLength(1);
    expect(await w.m365.target.passwordMatches(id(ext.m365), PASSWORD)).toBe(true);
    expect((await bindingsOf(w.store, u))[M365]?.takeoverComplete).toBe(true);
  });

  test('the set did not land (the request timed out before reaching it): asked, then sent again', async () => {
    const w = await open();
    const { ext, u } = await activeAdaBound(w);
    w.connectors.m365.failNext(1, timedOut);
    await w.run(cmd.logIn(u));
    await w.engine.idle();
    expect(pushes(w, 'm365')).toHaveLength(2);
    expect(w.connectors.m365.calls().filter((c) => c.op === 'lastPasswordChange')).toHaveLength(1);
    expect(await w.m365.target.passwordMatches(id(ext.m365), PASSWORD)).toBe(true);
  });
});

describe("a directory that refuses everyone is paused and tells the admin; one refused account is that account's failure", () => {
  test('directory-wide: diagnose finds the access missing, the directory pauses, the push stays owed, and it resumes once fixed', async () => {
    const w = await open({ authPauseMs: 0 });
    const { ext, u } = await activeAdaBound(w);
    w.connectors.m365.failAlways(forbidden);
    await w.run(cmd.logIn(u));
    await w.engine.idle();
    expect(w.engine.pausedDirectories()).toContain(M365);
    const problem = w.engine.directoryProblems().find((p) => p.directoryId === M365);
    expect(problem).toMatchObject({ reason: 'access', checks: [{ status: 'missing' }] });
    expect(problem?.checks[0]?.fix).toMatch(/Grant/);
    const b = (await bindingsOf(w.store, u))[M365];
    expect(b?.lastFailure?.failure).toMatchObject({ class: 'retryable', code: 'directory-access' });
    w.connectors.m365.heal();
    await w.run(cmd.logIn(u));
    await w.engine.idle();
    expect(w.engine.pausedDirectories()).not.toContain(M365);
    expect(await w.m365.target.passwordMatches(id(ext.m365), PASSWORD)).toBe(true);
  });

  test('one account refused (a privileged target) while the directory is healthy: a permanent failure on that user only', async () => {
    const w = await open();
    const { u } = await activeAdaBound(w);
    w.connectors.m365.failNext(1, forbidden); // the push; diagnose then succeeds
    await w.run(cmd.logIn(u));
    await w.engine.idle();
    expect(w.engine.pausedDirectories()).toEqual([]);
    expect((await bindingsOf(w.store, u))[M365]?.lastFailure?.failure).toMatchObject({ class: 'permanent', reason: 'forbidden' });
  });

  test('many different users refused in a row pause the directory even when diagnose sees nothing', async () => {
    const w = await open({ access: { sameRefusals: 3 } });
    for (const name of ['a1', 'a2', 'a3', 'a4']) {
      const attrs = { email: `${name}@example.com`, givenName: 'A', familyName: name };
      const ext = await w.seedAccounts(attrs);
      const u = uid(name);
      await w.run(cmd.createActive(u, attrs, PASSWORD));
      await w.run(cmd.bind(u, M365, ext.m365));
      await w.engine.idle();
      w.connectors.m365.failNext(1, forbidden);
      await w.run(cmd.logIn(u));
      await w.engine.idle();
    }
    expect(w.engine.directoryProblems()).toEqual([expect.objectContaining({ directoryId: M365, reason: 'access' })]);
  });
});

describe('leases of a crashed instance', () => {
  test('a restarted instance releases its own abandoned lease at once, and the next login pushes', async () => {
    const w = await open({ instanceId: 'host-a' });
    const { ext, u } = await activeAdaBound(w);
    // "host-a" took the lease on the Google takeover, then died before the outcome.
    const push = await duePush(w, u, GOOGLE);
    const started: UserCommand = {
      type: 'RecordPushStarted',
      commandId: commandId('lease/crashed'),
      userId: u,
      at: isoTime(new Date().toISOString()),
      push,
      instance: 'host-a',
    };
    const r = await handleUserCommand({ store: w.store, context: {} }, started)();
    expect(r._tag).toBe('Right');
    expect((await bindingsOf(w.store, u))[GOOGLE]?.inFlight).not.toBeNull();
    const restarted = w.newEngine({ instanceId: 'host-a' });
    await restarted.settleAll();
    await restarted.idle();
    expect((await bindingsOf(w.store, u))[GOOGLE]?.inFlight).toBeNull();
    await restarted.execute(cmd.logIn(u))();
    await restarted.idle();
    expect(await w.google.target.passwordMatches(id(ext.google), PASSWORD)).toBe(true);
  });

  test("another instance's live lease is not this instance's to release", async () => {
    const w = await open({ instanceId: 'host-a' });
    const { u } = await activeAdaBound(w);
    const push = await duePush(w, u, GOOGLE);
    const r = await handleUserCommand(
      { store: w.store, context: {} },
      {
        type: 'RecordPushStarted',
        commandId: commandId('lease/b'),
        userId: u,
        at: isoTime(new Date().toISOString()),
        push,
        instance: 'host-b',
      },
    )();
    expect(r._tag).toBe('Right');
    await w.engine.settleAll();
    await w.engine.idle();
    expect((await bindingsOf(w.store, u))[GOOGLE]?.inFlight).toMatchObject({ instance: 'host-b' });
  });
});

describe('R16 a password changed in the directory outside the portal is set back at the next login', () => {
  const changeInDirectory = (w: World, externalKey: string, password: string) => changePasswordOutside(w.m365, externalKey, password);

  test('detected at the login (one read per directory), recorded, and the portal password pushed back there only', async () => {
    const w = await open();
    const { ext, u } = await activeAdaBound(w);
    await w.run(cmd.logIn(u));
    await w.engine.idle();
    await changeInDirectory(w, ext.m365, 'Changed-In-Outlook-4!');
    const before = { google: pushes(w, 'google').length, m365: pushes(w, 'm365').length };
    await w.run(cmd.logIn(u));
    await w.engine.idle();
    expect(await w.m365.target.passwordMatches(id(ext.m365), PASSWORD)).toBe(true);
    expect({ google: pushes(w, 'google').length, m365: pushes(w, 'm365').length }).toEqual({
      google: before.google,
      m365: before.m365 + 1,
    });
    const b = (await bindingsOf(w.store, u))[M365];
    expect(b?.externalChangePending).toBeNull();
    expect(b?.externalChanges).toBe(1);
  });

  test('R5 still holds: a login after our own push, with nothing changed anywhere, pushes nothing (no false positive)', async () => {
    const w = await open();
    const { u } = await activeAdaBound(w);
    await w.run(cmd.logIn(u));
    await w.engine.idle();
    const before = { google: pushes(w, 'google').length, m365: pushes(w, 'm365').length };
    await w.run(cmd.logIn(u));
    await w.engine.idle();
    expect({ google: pushes(w, 'google').length, m365: pushes(w, 'm365').length }).toEqual(before);
    expect((await bindingsOf(w.store, u))[M365]?.externalChanges).toBe(0);
  });

  test('two external changes before a login make one push', async () => {
    const w = await open();
    const { ext, u } = await activeAdaBound(w);
    await w.run(cmd.logIn(u));
    await w.engine.idle();
    await changeInDirectory(w, ext.m365, 'First-Change-5!');
    await changeInDirectory(w, ext.m365, 'Second-Change-6!');
    const before = pushes(w, 'm365').length;
    await w.run(cmd.logIn(u));
    await w.engine.idle();
    expect(pushes(w, 'm365').length).toBe(before + 1);
    expect(await w.m365.target.passwordMatches(id(ext.m365), PASSWORD)).toBe(true);
  });
});
