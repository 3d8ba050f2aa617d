// The effects function behind the bulk preview and the console's confirmations: what each action
// does in each directory, from the user's state and the directories' lifecycle policies.
import { Secret, fold, userDecider } from '@takeover/core';
import type { ExistingUser, ExternalUserKey, UserCommand } from '@takeover/core';
import { ada, admin, cid, directoriesOf, googleWorkspace, historyOf, microsoftEntra, t, uid } from '@takeover/core/testing';
import { confirmationOf, effectsOf } from '../../src/app/effects.js';

const U = uid('u1');
const G = googleWorkspace('google', 'example.com');
const M = microsoftEntra('m365', 'contoso.com', { onSuspend: 'keep', createMissingUsers: false });
const directories = directoriesOf(G, M);
const base = (minute: number) => ({ commandId: cid(), userId: U, at: t(minute) });
const create = (password?: string): UserCommand => ({
  ...base(0),
  type: 'CreateUser',
  state: 'active',
  attributes: ada,
  by: admin,
  ...(password === undefined ? {} : { password: Secret.of(password) }),
});
const bind = (minute: number, directoryId: typeof G.directoryId, externalKey?: string): UserCommand => ({
  ...base(minute),
  type: 'BindDirectory',
  directoryId,
  by: admin,
  ...(externalKey === undefined ? {} : { externalKey: externalKey as ExternalUserKey }),
});
const userOf = (...commands: UserCommand[]): ExistingUser => {
  const s = fold(userDecider, historyOf({ directories }, commands));
  if (s.status !== 'present') throw new Error('fixture user absent');
  return s;
};

test('bind: links or creates the account per the directory policy, and names the mail (R1 with a password, R2 without)', () => {
  const withPassword = userOf(create('Tr0ub4dor&3-horse'));
  expect(effectsOf('bind', withPassword, directories, G.directoryId).effects.map((e) => e.text)).toEqual([
    'binds ada@example.com to Google Workspace (example.com)',
    'links the account ada@example.com in Google Workspace (example.com), or creates it there if there is none',
    'emails ada@example.com to log in once to finish connecting Google Workspace (example.com)',
  ]);
  const pending = userOf(create());
  expect(effectsOf('bind', pending, directories, M.directoryId).effects.map((e) => e.kind)).toEqual([
    'bound',
    'account-linked',
    'activation-email',
  ]);
  expect(effectsOf('bind', userOf(create(), bind(1, G.directoryId)), directories, G.directoryId).skipped).toBe(
    'already bound to Google Workspace (example.com)',
  );
});

test('suspend names every directory whose onSuspend suspends a linked account; the confirmation joins them', () => {
  const both = userOf(create('Tr0ub4dor&3-horse'), bind(1, G.directoryId, 'ada@example.com'), bind(2, M.directoryId, 'ada@contoso.com'));
  const fx = effectsOf('suspend', both, directories);
  // Microsoft's policy keeps the account: only Google is named.
  expect(fx.effects.map((e) => e.kind)).toEqual(['suspended', 'account-suspended']);
  expect(confirmationOf(fx)).toBe('This also suspends ada@example.com in Google Workspace (example.com).');
  const strict = directoriesOf(G, microsoftEntra('m365', 'contoso.com'));
  expect(confirmationOf(effectsOf('suspend', both, strict))).toBe(
    'This also suspends ada@example.com in Google Workspace (example.com) and Microsoft 365 (contoso.com).',
  );
  expect(effectsOf('suspend', userOf(create(), { ...base(1), type: 'SuspendUser', by: admin }), directories).skipped).toBe(
    'already suspended',
  );
});

test('unbind suspends under onUnbind: suspend only when the account is linked; resend-activation only for a pending password', () => {
  const linked = userOf(create('Tr0ub4dor&3-horse'), bind(1, G.directoryId, 'ada@example.com'));
  expect(confirmationOf(effectsOf('unbind', linked, directories, G.directoryId))).toBe(
    'This also suspends ada@example.com in Google Workspace (example.com).',
  );
  const resolving = userOf(create('Tr0ub4dor&3-horse'), bind(1, G.directoryId));
  expect(confirmationOf(effectsOf('unbind', resolving, directories, G.directoryId))).toBeUndefined();
  expect(effectsOf('unbind', linked, directories, M.directoryId).skipped).toBe('not bound to Microsoft 365 (contoso.com)');
  expect(effectsOf('resend-activation', linked, directories).skipped).toMatch(/^already has a password/);
  expect(effectsOf('resend-activation', userOf(create()), directories).effects.map((e) => e.kind)).toEqual(['activation-email']);
});
