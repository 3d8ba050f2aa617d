import { Secret, checkPassword, reveal, classesIn, describeRejection, precheckPassword } from '@takeover/core';
import type { PasswordPolicy } from '@takeover/core';
import { directoriesOf, given, googleWorkspace, historyOf, microsoftEntra } from '@takeover/core/testing';
import { c } from './support.js';

const s = Secret.of;
const google: PasswordPolicy = { kind: 'google-workspace' };
const entra: PasswordPolicy = { kind: 'microsoft-entra' };

describe('Google Workspace: 8 to 100 printable ASCII characters', () => {
  test.each([
    ['abcdefgh', []],
    ['short', [{ rule: 'too-short', min: 8 }]],
    ['a'.repeat(101), [{ rule: 'too-long', max: 100 }]],
    ['pässwörter', [{ rule: 'not-plain-ascii' }]],
    ['tab\there!', [{ rule: 'not-plain-ascii' }]],
    ['with spaces ok', []],
  ])('%j', (pw, expected) => expect(checkPassword(google, s(pw))).toEqual(expected));
});

describe('Entra ID: 8 to 256, three of four classes, its symbols only, no Unicode, banned list', () => {
  test.each([
    ['Abcdefg1', []],
    ['abcdefg1', [{ rule: 'too-few-character-classes', required: 3, present: ['lowercase', 'digits'] }]],
    ['Abc1!', [{ rule: 'too-short', min: 8 }]],
    ['Abcdefg1€', [{ rule: 'characters-outside-allowed-set', allowedSymbols: expect.any(String) as unknown }]],
    ['A'.repeat(250) + 'bcdef1x', [{ rule: 'too-long', max: 256 }]],
    ['Upper, lower and space', []],
  ])('%j', (pw, expected) => expect(checkPassword(entra, s(pw))).toEqual(expected));

  test('every listed symbol counts as a symbol, space included', () => {
    for (const ch of '@#$%^&*-_!+=[]{}|\\:\',.?/`~"();<> ') expect(classesIn(s(`a${ch}`))).toEqual(['lowercase', 'symbols']);
  });

  test('the banned-list hook sees a Secret', () => {
    const isBanned = (p: Secret) => /contoso/i.test(reveal(p));
    expect(checkPassword(entra, s('Contoso-2026!'), { isBanned })).toEqual([{ rule: 'banned' }]);
    expect(checkPassword(entra, s('Contoso-2026!'))).toEqual([]);
  });

  test('DisableStrongPassword drops the class rule and the banned list', () => {
    expect(checkPassword({ kind: 'microsoft-entra', disableStrongPassword: true }, s('abcdefgh'), { isBanned: () => true })).toEqual([]);
  });
});

describe("the platform's own policy", () => {
  const platform: PasswordPolicy = {
    kind: 'custom',
    minLength: 12,
    maxLength: 64,
    minCharacterClasses: 2,
    asciiOnly: true,
    checkBannedList: true,
  };
  test('is configurable', () => {
    expect(checkPassword(platform, s('aaaaaaaaaaaa'), { isBanned: () => true })).toEqual([
      { rule: 'too-few-character-classes', required: 2, present: ['lowercase'] },
      { rule: 'banned' },
    ]);
    expect(checkPassword(platform, s('Aaaaaaaaaaaa'))).toEqual([]);
  });

  test('control characters are refused even when any Unicode is allowed', () => {
    expect(checkPassword({ kind: 'custom', minLength: 8, maxLength: 64 }, s('ünïcødé-ok'))).toEqual([]);
    expect(checkPassword({ kind: 'custom', minLength: 8, maxLength: 64 }, s('\u0000'.repeat(8)))).toEqual([{ rule: 'control-characters' }]);
  });
});

describe('messages a user understands, naming the directory and every broken rule, never the password', () => {
  test('the class rule says which classes the password has', () => {
    expect(describeRejection('Microsoft 365 (contoso.com)', checkPassword(entra, s('abcdefgh12')))).toBe(
      'Microsoft 365 (contoso.com) needs at least 3 of: lowercase, uppercase, digits, symbols — yours has lowercase and digits only.',
    );
  });

  test('several rules in one sentence', () => {
    expect(describeRejection('Microsoft 365 (contoso.com)', checkPassword(entra, s('abc')))).toBe(
      'Microsoft 365 (contoso.com) needs at least 8 characters; it also needs at least 3 of: lowercase, uppercase, digits, symbols — yours has lowercase only.',
    );
  });

  test('non-ASCII: explained without echoing the character', () => {
    const [r] = precheckPassword(s('Pässwort-2026'), [{ label: 'Google Workspace (example.com)', policy: google }]);
    expect(r?.message).toBe(
      'Google Workspace (example.com) accepts only plain ASCII characters (letters A–Z, digits, spaces and common symbols) — no accented letters, emoji or tabs.',
    );
    expect(r?.message).not.toContain('ä');
  });

  test('setting a password checks every bound directory and names each one that refuses', () => {
    const [g, m] = [googleWorkspace('google', 'example.com'), microsoftEntra('m365', 'contoso.com')];
    const dirs = directoriesOf(g, m);
    const h = historyOf({ directories: dirs }, [
      c.create(0, 'active', 'Tr0ub4dor&3-horse'),
      c.bind(1, g.directoryId),
      c.bind(2, m.directoryId),
    ]);
    const result = given(h, { directories: dirs }).when(c.setPassword(3, 'ab1')).result;
    expect(result).toMatchObject({
      left: {
        _tag: 'PasswordRejected',
        message:
          'Please choose another password. This portal needs at least 8 characters. ' +
          'Google Workspace (example.com) needs at least 8 characters. ' +
          'Microsoft 365 (contoso.com) needs at least 8 characters; it also needs at least 3 of: lowercase, uppercase, digits, symbols — yours has lowercase and digits only.',
      },
    });
    expect(JSON.stringify(result)).not.toContain('ab1');
  });
});
