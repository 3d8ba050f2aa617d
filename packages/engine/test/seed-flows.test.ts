import type { ExternalUserId } from '@takeover/connector-kit';
import { Secret } from '@takeover/core';
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

  describe('seed flow 1: an active user bound to two directories', () => {
    test('R1 binding emails (one per directory, nothing pushed), R3 the first login pushes to both, R5 a login with nothing owed pushes nothing', async () => {
      const w = await open();
      const ext = await w.seedAccounts(ada);
      const u = uid('ada');
      await w.run(cmd.createActive(u, ada, PASSWORD));
      await w.run(cmd.bind(u, GOOGLE)); // resolved by primary email
      await w.run(cmd.bind(u, M365, ext.m365)); // the admin gave the key
      await w.engine.idle();

      const mails = w.outbox.sent();
      expect(mails.map((m) => m.subject).sort()).toEqual([
        'Log in to Acme Portal to finish connecting Google Workspace (example.com)',
        'Log in to Acme Portal to finish connecting Microsoft 365 (contoso.com)',
      ]);
      expect(mails.every((m) => m.to === 'ada@example.com' && m.html.includes('https://portal.acme.example'))).toBe(true);
      expect(w.pushCalls()).toEqual({ google: 0, m365: 0 });
      expect(await w.google.target.passwordMatches(id(ext.google), OLD_PASSWORD)).toBe(true);
      const bindings = await bindingsOf(w.store, u);
      expect(bindings[GOOGLE]?.link).toMatchObject({ status: 'linked', externalKey: ext.google, how: 'matched-email' });

      await w.run(cmd.logIn(u));
      await w.engine.whenSettled(u);
      expect(await w.google.target.passwordMatches(id(ext.google), PASSWORD)).toBe(true);
      expect(await w.m365.target.passwordMatches(id(ext.m365), PASSWORD)).toBe(true);
      expect(w.pushCalls()).toEqual({ google: 1, m365: 1 });
      expect(w.engine.heldCount()).toBe(0); // dropped after the pushes

      await w.run(cmd.logIn(u));
      await w.engine.idle();
      expect(w.pushCalls()).toEqual({ google: 1, m365: 1 });
      expect(w.outbox.sent()).toHaveLength(2);
    });

    test('R4 + R8 an attribute change is pushed, with the password, at the next login; R10 a password changed in the directory is overwritten', async () => {
      const w = await open();
      const ext = await w.seedAccounts(ada);
      const u = uid('ada');
      await w.run(cmd.createActive(u, ada, PASSWORD));
      await w.run(cmd.bind(u, GOOGLE, ext.google));
      await w.run(cmd.logIn(u));
      await w.engine.idle();
      await w.google.connector.push({ externalId: id(ext.google), password: Secret.of('Changed-In-Google-1') })();
      await w.run(cmd.change(u, { givenName: 'Augusta' }));
      await w.engine.idle();
      expect(w.pushCalls().google).toBe(1); // every-push: it waits for the plaintext
      await w.run(cmd.logIn(u));
      await w.engine.idle();
      expect(w.pushCalls().google).toBe(2);
      expect((await w.google.target.readAttributes(id(ext.google))).givenName).toBe('Augusta'); // a field every connector writes
      expect(await w.google.target.passwordMatches(id(ext.google), PASSWORD)).toBe(true);
    });
  });

  describe('seed flow 2: a new user with a pending password', () => {
    test('R2 one activation email for two directories, nothing pushed; R6 the password reaches both after activation and login', async () => {
      const w = await open();
      const ext = await w.seedAccounts(ada);
      const u = uid('ada');
      await w.run(cmd.createActive(u, ada));
      await w.run(cmd.bind(u, GOOGLE, ext.google));
      await w.run(cmd.bind(u, M365, ext.m365));
      await w.engine.idle();
      expect(w.outbox.sent().map((m) => m.subject)).toEqual(['Activate your Acme Portal account']);
      expect(w.outbox.sent()[0]?.text).toContain('Google Workspace (example.com)'); // the directories bound when it went out

      const early = await w.tryRun(cmd.logIn(u));
      expect(early).toMatchObject({ _tag: 'Left', left: { _tag: 'Rejected', error: { _tag: 'CannotLogIn', reason: 'password-pending' } } }); // R7

      await w.run(cmd.setPassword(u, PASSWORD, 'user-activation'));
      await w.engine.idle();
      expect(w.pushCalls()).toEqual({ google: 0, m365: 0 });
      await w.run(cmd.logIn(u));
      await w.engine.idle();
      expect(await w.google.target.passwordMatches(id(ext.google), PASSWORD)).toBe(true);
      expect(await w.m365.target.passwordMatches(id(ext.m365), PASSWORD)).toBe(true);
      expect(w.outbox.sent()).toHaveLength(1);
    });
  });
});
