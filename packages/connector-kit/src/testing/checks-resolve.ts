import { deepStrictEqual, ok as assert, strictEqual } from 'node:assert';
import { externalUserId } from '../port.js';
import type { ConformanceCheck } from './run.js';

const expectError = (e: { _tag: string; reason?: string }, tag: string, reason?: string, what = 'the call'): void =>
  strictEqual(`${e._tag}${e.reason === undefined ? '' : `/${e.reason}`}`, `${tag}${reason === undefined ? '' : `/${reason}`}`, `${what}: wrong error class`);

export const resolveChecks: ReadonlyArray<ConformanceCheck> = [
  {
    name: 'describe names the directory',
    run: async ({ connector, ok }) => {
      const d = await ok(connector.describe());
      strictEqual(d.kind, connector.kind, 'describe().kind is the connector kind');
      assert(d.displayName.length > 0, 'describe() gives a display name');
      assert(d.domain.length > 0, 'describe() gives the domain or tenant');
    },
  },
  {
    name: 'resolve finds the account by external key',
    run: async ({ connector, seed, ok, newEmail }) => {
      const u = await seed('bykey');
      // The key decides, even when the email would match nothing.
      deepStrictEqual(await ok(connector.resolve({ externalKey: u.id, primaryEmail: newEmail('other') })), { externalId: u.id, how: 'by-key' });
    },
  },
  {
    name: 'resolve finds the account by primary email when no key is given',
    run: async ({ connector, seed, ok }) => {
      const u = await seed('byemail');
      deepStrictEqual(await ok(connector.resolve({ primaryEmail: u.email })), { externalId: u.id, how: 'by-email' });
    },
  },
  {
    name: 'resolve with a key the directory does not know is not-found (no guess by email)',
    run: async ({ connector, seed, fails, target }) => {
      const u = await seed('stalekey');
      const e = await fails(connector.resolve({ externalKey: externalUserId(`gone.${u.id}@${target.emailDomain}`), primaryEmail: u.email }));
      expectError(e, 'permanent', 'not-found');
    },
  },
  {
    name: 'resolve does not create an account unless asked: not-found',
    run: async ({ connector, fails, newEmail }) => {
      expectError(await fails(connector.resolve({ primaryEmail: newEmail('missing') })), 'permanent', 'not-found');
    },
  },
  {
    name: 'resolve creates a missing account when allowed (if the connector can), with a password nobody knows',
    run: async ({ connector, target, ok, fails, newEmail, run }) => {
      const primaryEmail = newEmail('created');
      const request = { primaryEmail, create: { primaryEmail, givenName: 'Grace', familyName: 'Hopper' } };
      if (!connector.capabilities.createUsers) {
        expectError(await fails(connector.resolve(request)), 'permanent', 'not-found', 'resolve with create on a connector that cannot create');
        return;
      }
      const r = await ok(connector.resolve(request));
      strictEqual(r.how, 'created');
      deepStrictEqual(Object.keys(r).sort(), ['externalId', 'how'], 'the resolution carries no password');
      const attrs = await target.readAttributes(r.externalId);
      strictEqual(attrs.givenName, 'Grace');
      strictEqual(attrs.familyName, 'Hopper');
      strictEqual(await target.passwordMatches(r.externalId, ''), false, 'the new account has a password');
      // Resolving again finds it rather than creating a second one.
      const again = await run(connector.resolve(request));
      deepStrictEqual(again, { _tag: 'Right', right: { externalId: r.externalId, how: 'by-email' } }, 'a second resolve finds the created account');
    },
  },
];
