import { createHash } from 'node:crypto';
import { deepStrictEqual, ok as assert, strictEqual } from 'node:assert';
import { Secret } from '@takeover/core';
import { hashedPassword } from '../port.js';
import type { ConformanceCheck } from './run.js';

export const pushChecks: ReadonlyArray<ConformanceCheck> = [
  {
    name: 'a push sets the password, which the directory then accepts',
    run: async ({ connector, target, seed, ok, newPassword }) => {
      const u = await seed('push');
      const next = newPassword();
      deepStrictEqual(await ok(connector.push({ externalId: u.id, password: next.secret })), {
        passwordSet: true,
        sessions: 'not-requested',
        sessionsEnded: connector.capabilities.passwordSetEndsSessions,
      });
      strictEqual(await target.passwordMatches(u.id, next.plain), true, 'the new password is accepted');
      strictEqual(await target.passwordMatches(u.id, u.plain), false, 'the old password is not');
    },
  },
  {
    name: 'an attribute-only push changes the attributes and leaves the password untouched',
    run: async ({ connector, target, seed, ok }) => {
      const u = await seed('attrs');
      const writes = connector.capabilities.attributes;
      assert(writes.includes('givenName') && writes.includes('familyName'), 'a connector writes at least givenName and familyName');
      const outcome = await ok(connector.push({ externalId: u.id, attributes: { givenName: 'Augusta', familyName: 'King' } }));
      deepStrictEqual(
        outcome,
        { passwordSet: false, sessions: 'not-requested', sessionsEnded: false },
        'an attribute change ends no session',
      );
      const attrs = await target.readAttributes(u.id);
      strictEqual(attrs.givenName, 'Augusta');
      strictEqual(attrs.familyName, 'King');
      strictEqual(await target.passwordMatches(u.id, u.plain), true, 'the password is unchanged');
    },
  },
  {
    name: 'sessions are ended only when asked (and reported unsupported where the directory cannot)',
    run: async ({ connector, target, seed, ok, newPassword }) => {
      const u = await seed('sessions');
      await ok(connector.push({ externalId: u.id, attributes: { givenName: 'Quiet' } }));
      await ok(connector.push({ externalId: u.id, password: newPassword().secret }));
      strictEqual(await target.sessionRevocations(u.id), 0, 'no revocation without revokeSessions');
      const next = newPassword();
      const outcome = await ok(connector.push({ externalId: u.id, password: next.secret, revokeSessions: true }));
      strictEqual(await target.passwordMatches(u.id, next.plain), true);
      if (connector.capabilities.revokeSessions) {
        deepStrictEqual(outcome, { passwordSet: true, sessions: 'revoked', sessionsEnded: true });
        strictEqual(await target.sessionRevocations(u.id), 1, 'one revocation when asked');
      } else {
        deepStrictEqual(
          outcome,
          { passwordSet: true, sessions: 'unsupported', sessionsEnded: connector.capabilities.passwordSetEndsSessions },
          'a connector without revocation says so and still sets the password',
        );
        strictEqual(await target.sessionRevocations(u.id), 0);
      }
    },
  },
  {
    name: 'suspend and reactivate',
    run: async ({ connector, target, seed, ok }) => {
      const u = await seed('suspend');
      await ok(connector.suspend(u.id));
      strictEqual(await target.isSuspended(u.id), true, 'suspended');
      await ok(connector.suspend(u.id));
      strictEqual(await target.isSuspended(u.id), true, 'suspending twice is harmless');
      await ok(connector.reactivate(u.id));
      strictEqual(await target.isSuspended(u.id), false, 'reactivated');
      strictEqual(await target.passwordMatches(u.id, u.plain), true, 'the password survives');
    },
  },
  {
    name: 'a hashed password is taken or refused as declared',
    run: async ({ connector, target, seed, ok, fails, newPassword }) => {
      const u = await seed('hashed');
      const next = newPassword();
      const sha1 = hashedPassword('SHA-1', Secret.of(createHash('sha1').update(next.plain).digest('hex')));
      if (connector.capabilities.hashFunctions.includes('SHA-1')) {
        await ok(connector.push({ externalId: u.id, password: sha1 }));
        strictEqual(await target.passwordMatches(u.id, next.plain), true, 'the password behind the hash is accepted');
        return;
      }
      const e = await fails(connector.push({ externalId: u.id, password: sha1 }));
      deepStrictEqual(
        [e._tag, e._tag === 'permanent' ? e.reason : undefined],
        ['permanent', 'invalid'],
        'an undeclared hash format is permanent/invalid',
      );
      strictEqual(await target.passwordMatches(u.id, u.plain), true, 'the password is unchanged');
    },
  },
  {
    name: 'checkPassword reports violations for a password no policy takes, none for a good one',
    run: async ({ connector, ok, newPassword }) => {
      strictEqual((await ok(connector.checkPassword(newPassword().secret))).length, 0, 'a strong password passes');
      const weak = await ok(connector.checkPassword(Secret.of('a')));
      assert(
        weak.length > 0 && weak.every((v) => typeof v.rule === 'string' && v.rule.length > 0),
        'a one-letter password breaks a named rule',
      );
    },
  },
  {
    name: 'checkPassword flags every password the directory itself refuses',
    run: async ({ connector, target, ok }) => {
      const refused: string[] = [];
      for (const { label, password } of POLICY_PROBES) {
        if (await target.acceptsPassword(password)) continue;
        refused.push(label);
        const violations = await ok(connector.checkPassword(Secret.of(password)));
        assert(
          violations.length > 0,
          `the directory refuses a password that is ${label}, but checkPassword finds nothing wrong with it: users would be told it is fine and the push would fail`,
        );
      }
      assert(refused.includes('empty'), 'the target refuses at least the empty password (else it has no policy to compare with)');
    },
  },
];

/**
 * Passwords that break one structural rule each (length, character set, character classes). Banned
 * lists are left out: Entra's global list is not published, so no connector can mirror it.
 */
const POLICY_PROBES: ReadonlyArray<{ readonly label: string; readonly password: string }> = [
  { label: 'empty', password: '' },
  { label: 'one character', password: 'a' },
  { label: 'two characters', password: 'Z9' },
  { label: 'seven characters', password: 'Kq7$mwz' },
  { label: 'all lower case letters', password: 'qzvkmwtrhx' },
  { label: 'lower case and digits only', password: 'qzvkmwtr4813' },
  { label: 'upper case letters only', password: 'QZVKMWTRHX' },
  { label: 'digits only', password: '48139275' },
  { label: '101 characters', password: `Kq7$${'mwzr'.repeat(24)}xyzab` },
  { label: '257 characters', password: `Kq7$${'mwzr'.repeat(63)}x` },
  { label: 'non-ASCII', password: 'Kq7$mwzé-Ünï' },
  { label: 'with a control character', password: 'Kq7$mw\tzrX' },
];
