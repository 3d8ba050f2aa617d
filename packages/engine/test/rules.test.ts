import type { ExternalUserId } from '@takeover/connector-kit';
import { handleUserCommand } from '@takeover/engine';
import { commandId, isoTime } from '@takeover/core';
import { GOOGLE, M365, OLD_PASSWORD, PASSWORD, ada, bindingsOf, cmd, uid, world } from './world.js';
import type { World } from './world.js';
import { backends } from './backends.js';

const id = (s: string) => s as ExternalUserId;

describe.each(backends)('%s', (_name, directories) => {
  let current: World | undefined;
  const open = async (overrides: Parameters<typeof world>[0] = {}): Promise<World> => {
    current = await world(overrides, await directories());
    return current;
  };
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });

  test('R7 a suspended user cannot log in, and nothing is pushed; onSuspend suspends the external account', async () => {
    const w = await open();
    const ext = await w.seedAccounts(ada);
    const u = uid('ada');
    await w.run(cmd.createActive(u, ada, PASSWORD));
    await w.run(cmd.bind(u, GOOGLE, ext.google));
    await w.run(cmd.suspend(u));
    await w.engine.idle();
    expect(await w.tryRun(cmd.logIn(u))).toMatchObject({ _tag: 'Left', left: { error: { _tag: 'CannotLogIn', reason: 'suspended' } } });
    await w.engine.idle();
    expect(w.pushCalls().google).toBe(0);
    expect(await w.google.target.isSuspended(id(ext.google))).toBe(true);
  });

  test('R11 an imported binding whose takeover never completed is pushed at the next login', async () => {
    const w = await open();
    const ext = await w.seedAccounts(ada);
    const u = uid('ada');
    await w.run(cmd.createActive(u, ada, PASSWORD));
    await w.run(cmd.bind(u, M365, ext.m365, 'import'));
    await w.run(cmd.logIn(u));
    await w.engine.idle();
    expect(await w.m365.target.passwordMatches(id(ext.m365), PASSWORD)).toBe(true);
  });

  test('R13 unbinding ends management: nothing more is pushed there, and onUnbind suspends the account', async () => {
    const w = await open();
    const ext = await w.seedAccounts(ada);
    const u = uid('ada');
    await w.run(cmd.createActive(u, ada, PASSWORD));
    await w.run(cmd.bind(u, GOOGLE, ext.google));
    await w.run(cmd.bind(u, M365, ext.m365));
    await w.run(cmd.logIn(u));
    await w.engine.idle();
    await w.run(cmd.unbind(u, GOOGLE));
    await w.run(cmd.change(u, { jobTitle: 'Engineer' }));
    await w.run(cmd.logIn(u));
    await w.engine.idle();
    expect(w.pushCalls()).toEqual({ google: 1, m365: 2 });
    expect(await w.google.target.isSuspended(id(ext.google))).toBe(true);
  });

  test('binding without a key creates the missing account (createMissingUsers), then the takeover sets the password', async () => {
    const w = await open();
    const u = uid('grace');
    const grace = { email: 'grace@example.com', givenName: 'Grace', familyName: 'Hopper' };
    await w.run(cmd.createActive(u, grace, PASSWORD));
    await w.run(cmd.bind(u, GOOGLE));
    await w.engine.idle();
    const link = (await bindingsOf(w.store, u))[GOOGLE]?.link;
    expect(link).toMatchObject({ status: 'linked', how: 'created' });
    await w.run(cmd.logIn(u));
    await w.engine.idle();
    if (link?.status !== 'linked') throw new Error('not linked');
    expect(await w.google.target.passwordMatches(id(link.externalKey), PASSWORD)).toBe(true);
  });

  test('a binding whose account cannot be resolved is visible with its reason, and nothing is pushed to it', async () => {
    const w = await open();
    const u = uid('ada');
    await w.run(cmd.createActive(u, ada, PASSWORD));
    w.connectors.google.failNext(1, {
      _tag: 'permanent',
      reason: 'forbidden',
      provider: { status: 403, code: 'forbidden', message: 'Not Authorized to access this resource/api' },
    });
    await w.run(cmd.bind(u, GOOGLE));
    await w.engine.idle();
    expect((await bindingsOf(w.store, u))[GOOGLE]?.link).toMatchObject({ status: 'unresolved', reason: 'forbidden' });
    await w.run(cmd.logIn(u));
    await w.engine.idle();
    expect(w.pushCalls().google).toBe(0);
  });

  test('R15 each notice is sent once, even with two engine instances on one store settling the same user', async () => {
    const w = await open();
    const second = w.newEngine();
    const ext = await w.seedAccounts(ada);
    const u = uid('ada');
    await w.run(cmd.createActive(u, ada, PASSWORD));
    await w.run(cmd.bind(u, GOOGLE, ext.google));
    await w.run(cmd.bind(u, M365, ext.m365));
    await Promise.all([w.engine.settle(u), second.settle(u), w.engine.settle(u)]);
    await Promise.all([w.engine.idle(), second.idle()]);
    expect(w.outbox.sent()).toHaveLength(2);
    const noticeEvents = await w.store.readStream(`user-${u}`)();
    if (noticeEvents._tag === 'Left') throw new Error('read');
    expect(noticeEvents.right.filter((e) => e.event.type === 'NoticeSent')).toHaveLength(2);
  });

  test('several instances: concurrent logins of the same user on two engines push each change once per directory', async () => {
    const w = await open();
    const second = w.newEngine();
    const ext = await w.seedAccounts(ada);
    const u = uid('ada');
    await w.run(cmd.createActive(u, ada, PASSWORD));
    await w.run(cmd.bind(u, GOOGLE, ext.google));
    await w.run(cmd.bind(u, M365, ext.m365));
    await w.engine.idle();
    await Promise.all([w.engine.execute(cmd.logIn(u))(), second.execute(cmd.logIn(u))(), second.execute(cmd.logIn(u))()]);
    await Promise.all([w.engine.idle(), second.idle()]);
    expect(w.pushCalls()).toEqual({ google: 1, m365: 1 });
    expect(await w.google.target.passwordMatches(id(ext.google), PASSWORD)).toBe(true);
    expect(await w.m365.target.passwordMatches(id(ext.m365), OLD_PASSWORD)).toBe(false);
  });

  test('R8 under when-changed, an attribute change is pushed at once without the password and needs no login; under every-push it waits for the login and carries it', async () => {
    const w = await open();
    const ext = await w.seedAccounts(ada);
    const u = uid('ada');
    const policy = await w.engine.executeDirectory({
      type: 'ChangeDirectoryPolicy',
      commandId: commandId('policy-1'),
      directoryId: M365,
      at: isoTime(new Date().toISOString()),
      policy: { passwordPush: 'when-changed' },
    })();
    expect(policy._tag).toBe('Right');
    await w.run(cmd.createActive(u, ada, PASSWORD));
    await w.run(cmd.bind(u, GOOGLE, ext.google));
    await w.run(cmd.bind(u, M365, ext.m365));
    await w.run(cmd.logIn(u));
    await w.engine.idle();
    await w.run(cmd.change(u, { department: 'Research' }));
    await w.engine.idle();
    const m365Pushes = w.connectors.m365.calls().filter((c) => c.op === 'push');
    expect(m365Pushes.map((c) => c.withPassword)).toEqual([true, false]);
    expect((await w.m365.target.readAttributes(id(ext.m365))).department).toBe('Research');
    expect(await w.m365.target.passwordMatches(id(ext.m365), PASSWORD)).toBe(true);
    expect(w.pushCalls().google).toBe(1); // every-push: waits for the plaintext
    await w.run(cmd.logIn(u));
    await w.engine.idle();
    expect(
      w.connectors.google
        .calls()
        .filter((c) => c.op === 'push')
        .map((c) => c.withPassword),
    ).toEqual([true, true]);
    expect(w.pushCalls().m365).toBe(2); // nothing more owed there
  });

  test('restart: settleAll carries out what a stopped instance left owed (R1 binding emails decided but never sent)', async () => {
    const w = await open();
    const ext = await w.seedAccounts(ada);
    const u = uid('ada');
    // Decided and appended, then the instance "stopped" before dispatching anything.
    const options = { store: w.store, context: {} };
    await handleUserCommand(options, cmd.createActive(u, ada, PASSWORD))();
    await handleUserCommand(options, cmd.bind(u, GOOGLE))();
    await handleUserCommand(options, cmd.bind(u, M365, ext.m365))();
    expect(w.outbox.sent()).toHaveLength(0);
    const restarted = w.newEngine();
    expect(await restarted.settleAll()).toBe(1);
    await restarted.idle();
    expect(w.outbox.sent()).toHaveLength(2);
    expect((await bindingsOf(w.store, u))[GOOGLE]?.link).toMatchObject({ status: 'linked', how: 'matched-email' });
    expect(w.pushCalls()).toEqual({ google: 0, m365: 0 }); // pushes carrying the password wait for the next login
  });
});
