// The glossary's words (docs/glossary.md) as the host writes them: no jargon ("Owed", "Paused"),
// no event names on the "why" page, one phrase per state.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PushReason, SyncState } from '@takeover/core';
import type { RecordedActor } from '@takeover/engine';
import { AUTOMATIC, dateWords, externalChangeNotice, externalChangeWords, whoDidIt, whoInDirectory, whoOfRecorded } from '@takeover/engine';
import {
  causeWords,
  failureWords,
  consoleStateWords,
  passwordStatusWords,
  portalStateWords,
  pushReasonWords,
  pushWhatWords,
} from '../../src/app/words.js';
import { SYNC_STATES, SYNC_WORDS } from '../../src/http/pages/adminRollout.js';

const STATES: ReadonlyArray<SyncState> = [
  'resolving',
  'unresolved',
  'paused',
  'awaiting-login',
  'owed',
  'in-flight',
  'failed',
  'blocked',
  'in-sync',
];

test('console and portal states are plain words, never "Owed" or "Paused"', () => {
  for (const s of STATES) {
    for (const words of [consoleStateWords(s), portalStateWords(s)]) {
      expect(words).not.toMatch(/owed|paused|in flight/i);
      expect(words).not.toContain(s === 'in-sync' ? 'in-sync' : s);
    }
  }
  expect(consoleStateWords('awaiting-login')).toBe('Update pending (waits for the next login)');
  expect(portalStateWords('in-sync')).toBe('Ready: your password works there');
});

test("the why page's causes are sentences without event names", () => {
  for (const type of [
    'UserCreated',
    'PasswordSet',
    'AttributesChanged',
    'UserBound',
    'ExternalAccountLinked',
    'PortalLogin',
    'ExternalPasswordChangeDetected',
    'SomethingNew',
  ]) {
    // The read models' detail: the changed fields, or for a change outside the portal the first half of R16's sentence.
    const detail =
      type === 'ExternalPasswordChangeDetected'
        ? externalChangeWords({ directory: 'Microsoft 365 (contoso.com)', changedAt: '2026-12-01T09:14:00.000Z' })
        : 'givenName';
    const sentence = causeWords({ type, by: 'admin@example.com (admin)', detail });
    expect(sentence).not.toContain(type);
    expect(sentence).toMatch(/^[A-Z].*\.$/);
  }
  expect(causeWords({ type: 'AttributesChanged', detail: 'givenName, jobTitle', by: 'admin@example.com (admin)' })).toBe(
    'The profile was changed (givenName, jobTitle) by admin@example.com (admin).',
  );
  expect(
    causeWords({
      type: 'ExternalPasswordChangeDetected',
      detail: externalChangeWords({ directory: 'Microsoft 365 (contoso.com)', changedAt: '2026-12-01T09:14:59.000Z' }),
      by: whoInDirectory('ada@contoso.com', 'Microsoft 365 (contoso.com)'),
    }),
  ).toBe(
    'Changed in Microsoft 365 (contoso.com) outside the portal on 1 Dec 2026 09:14 UTC by ada@contoso.com in Microsoft 365 (contoso.com).',
  );
});

/** Every shape a `by` is recorded in (`Actor`, `SetPassword.by`, `PasswordSet.by`), with the one rendering each gets. */
const EVERY_BY: ReadonlyArray<readonly [RecordedActor, string]> = [
  [{ role: 'admin', id: 'admin@example.com' }, 'admin@example.com (admin)'],
  [{ role: 'admin', id: 'the API key' }, 'the API key (admin)'],
  [{ role: 'admin' }, 'an admin'],
  ['admin', 'an admin'],
  [{ role: 'user', via: 'portal' }, 'the user, in the portal'],
  ['user-portal', 'the user, in the portal'],
  [{ role: 'user', via: 'activation' }, 'the user, from the activation email'],
  ['user-activation', 'the user, from the activation email'],
  [{ role: 'user' }, 'the user'],
  [{ role: 'user', id: 'u-1' }, 'the user'],
  [{ role: 'system' }, AUTOMATIC],
];
const ONE_FORM =
  /^(\S+@\S+|the API key) \(admin\)$|^an admin$|^the user(, in the portal|, from the activation email)?$|^the platform \(automatic\)$/;

test('who did something is named one way, whatever shape recorded it (docs/glossary.md, "Who did it")', () => {
  for (const [by, words] of EVERY_BY) {
    expect(whoDidIt(by)).toBe(words);
    expect(whoOfRecorded(by)).toBe(words);
    expect(words).toMatch(ONE_FORM);
    expect(words).not.toMatch(/admin:|system|Takeover|api-key|user-portal|user-activation/);
  }
  expect(AUTOMATIC).toBe('the platform (automatic)');
  // Someone acting in the directory itself, as the directory names them.
  expect(whoInDirectory('ada@contoso.com', 'Microsoft 365 (contoso.com)')).toBe('ada@contoso.com in Microsoft 365 (contoso.com)');
  // Anything else is not a recorded actor: no words are made up for it.
  for (const other of [undefined, null, 'someone', { role: 'robot' }, 42]) expect(whoOfRecorded(other)).toBeUndefined();
});

test('R16 in words: one sentence once set back, its first half alone before; the portal tells the user after that login', () => {
  const first = externalChangeWords({ directory: 'Microsoft 365 (contoso.com)', changedAt: '2026-12-01T09:14:00.000Z' });
  expect(first).toBe('Changed in Microsoft 365 (contoso.com) outside the portal on 1 Dec 2026 09:14 UTC');
  expect(
    externalChangeWords({
      directory: 'Microsoft 365 (contoso.com)',
      changedAt: '2026-12-01T09:14:00.000Z',
      setBackAt: '2026-12-03T08:02:30.000Z',
    }),
  ).toBe(`${first}; set back at the login on 3 Dec 2026 08:02 UTC`);
  expect(externalChangeNotice('Microsoft 365 (contoso.com)')).toBe(
    'Your Microsoft 365 (contoso.com) password had been changed outside the portal; it is your portal password again.',
  );
  expect(dateWords('2026-01-09T00:05:00.000Z')).toBe('9 Jan 2026 00:05 UTC');
  expect(dateWords('not a time')).toBe('not a time');
});

test('why a push ran, what it carried and the password are words, never codes or version numbers', () => {
  const reasons: ReadonlyArray<PushReason> = ['takeover', 'password-changed', 'attributes-changed', 'rebind', 'external-change'];
  const said = reasons.map(pushReasonWords);
  expect(new Set(said).size).toBe(reasons.length);
  for (const [i, words] of said.entries()) {
    expect(words).not.toContain(reasons[i] === 'takeover' ? 'takeover)' : (reasons[i] ?? ''));
    expect(words).not.toMatch(/-|version/);
  }
  expect(pushWhatWords({ carriesPassword: true })).toBe('The password and the profile');
  expect(pushWhatWords({ carriesPassword: false })).toBe('The profile only (no password)');
  for (const s of ['pending', 'active', 'expired'] as const) expect(passwordStatusWords(s)).not.toMatch(/version|pending|active/);
  for (const c of ['retryable', 'permanent', 'auth'] as const) expect(failureWords(c)).not.toMatch(/retryable|permanent|auth\b/);
});

test("the overview's and the user list's state words are the glossary's (docs/glossary.md, \"Directory states for admins\")", () => {
  const glossary = readFileSync(resolve(__dirname, '../../../../docs/glossary.md'), 'utf8');
  const section = glossary.split('## Directory states for admins')[1]?.split('\n## ')[0] ?? '';
  const words = new Map([...section.matchAll(/^\| `([a-z-]+)` \| \*\*([^*]+)\*\*/gm)].map((m) => [m[1], m[2]]));
  expect([...words.keys()].sort()).toEqual([...SYNC_STATES].sort());
  for (const state of SYNC_STATES) {
    const own = words.get(state) ?? '';
    // The console may add a plain explanation in brackets after the glossary's words, nothing else.
    expect([state, new RegExp(`^${own}( \\(.+\\))?$`).test(SYNC_WORDS[state])]).toEqual([state, true]);
  }
});
