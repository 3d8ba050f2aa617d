import { deepStrictEqual, ok as assert, strictEqual } from 'node:assert';
import type { ExternalUserId } from '../port.js';
import { externalUserId } from '../port.js';
import type { ConformanceCheck } from './run.js';
import { fail } from './run.js';
import type { ConformanceTarget } from './target.js';

const expectError = (e: { _tag: string; reason?: string }, tag: string, reason?: string, what = 'the call'): void =>
  strictEqual(
    `${e._tag}${e.reason === undefined ? '' : `/${e.reason}`}`,
    `${tag}${reason === undefined ? '' : `/${reason}`}`,
    `${what}: wrong error class`,
  );

/** Passwords a careless connector might give a new account: none may open it. */
const GUESSES = [
  '',
  'Password1!',
  'Password1',
  'password',
  'Passw0rd!',
  'P@ssw0rd',
  'P@ssw0rd1',
  'Welcome1!',
  'Welcome123!',
  'Changeme1!',
  'changeme',
  'ChangeMe123!',
  '12345678',
  '123456789',
  'Qwerty123!',
  'Aa1!Aa1!',
  'Temp1234!',
  'TempPassword1!',
];

const expectNoGuessablePassword = async (
  target: ConformanceTarget,
  id: ExternalUserId,
  email: string,
  names: ReadonlyArray<string>,
): Promise<void> => {
  const local = email.split('@')[0] ?? email;
  const personal = [email, local, ...names, names.join(''), names.join(' '), `${local}1!`, `${names[0] ?? ''}1!`];
  for (const guess of [...GUESSES, ...personal]) {
    if (await target.passwordMatches(id, guess))
      fail(
        `a created account opens with a guessable password (one of the suite's ${GUESSES.length + personal.length} guesses: common passwords, the empty string, the email, the names)`,
      );
  }
};

export const resolveChecks: ReadonlyArray<ConformanceCheck> = [
  {
    name: 'describe names the directory',
    run: async ({ connector, target, ok }) => {
      const d = await ok(connector.describe());
      strictEqual(d.kind, connector.kind, 'describe().kind is the connector kind');
      assert(d.displayName.length > 0, 'describe() gives a display name');
      const expected = target.expectedDomain ?? target.emailDomain;
      strictEqual(
        d.domain.toLowerCase(),
        expected.toLowerCase(),
        `describe() names this directory's own domain or tenant (${expected}), not another`,
      );
    },
  },
  {
    name: 'resolve finds the account by external key',
    run: async ({ connector, seed, ok, newEmail }) => {
      const u = await seed('bykey');
      // The key decides, even when the email would match nothing.
      deepStrictEqual(await ok(connector.resolve({ externalKey: u.id, primaryEmail: newEmail('other') })), {
        externalId: u.id,
        how: 'by-key',
      });
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
      const e = await fails(
        connector.resolve({ externalKey: externalUserId(`gone.${u.id}@${target.emailDomain}`), primaryEmail: u.email }),
      );
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
        expectError(
          await fails(connector.resolve(request)),
          'permanent',
          'not-found',
          'resolve with create on a connector that cannot create',
        );
        return;
      }
      const r = await ok(connector.resolve(request));
      strictEqual(r.how, 'created');
      deepStrictEqual(Object.keys(r).sort(), ['externalId', 'how'], 'the resolution carries no password');
      const attrs = await target.readAttributes(r.externalId);
      strictEqual(attrs.givenName, 'Grace');
      strictEqual(attrs.familyName, 'Hopper');
      await expectNoGuessablePassword(target, r.externalId, primaryEmail, ['Grace', 'Hopper']);
      // Resolving again finds it rather than creating a second one.
      const again = await run(connector.resolve(request));
      deepStrictEqual(
        again,
        { _tag: 'Right', right: { externalId: r.externalId, how: 'by-email' } },
        'a second resolve finds the created account',
      );
    },
  },
  {
    name: 'accounts created for missing users get passwords nobody knows: no two alike, none guessable',
    run: async ({ connector, target, ok, newEmail }) => {
      if (!connector.capabilities.createUsers) return;
      const created: ExternalUserId[] = [];
      for (const label of ['new-a', 'new-b', 'new-c']) {
        const primaryEmail = newEmail(label);
        const r = await ok(connector.resolve({ primaryEmail, create: { primaryEmail, givenName: 'Kathleen', familyName: label } }));
        strictEqual(r.how, 'created');
        await expectNoGuessablePassword(target, r.externalId, primaryEmail, ['Kathleen', label]);
        created.push(r.externalId);
      }
      const fingerprints = await Promise.all(created.map((id) => target.passwordFingerprint(id)));
      if (fingerprints.some((f) => f === undefined))
        fail("the target cannot fingerprint a created account's password, so the suite cannot prove it unknowable");
      strictEqual(
        new Set(fingerprints).size,
        created.length,
        'each created account has its own password: a fixed or derived one is known to whoever reads the connector',
      );
    },
  },
];
