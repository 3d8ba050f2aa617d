// The provider rules as pure functions: Entra's password policy, Google's password formats, the bucket.
import * as E from 'fp-ts/lib/Either.js';
import { compliesWithEntraPolicy } from '@takeover/directory-emulators';
import { checkPassword } from '../src/google/password.js';
import { offsetClock } from '../src/common/clock.js';
import { tokenBuckets } from '../src/common/tokenBucket.js';

const strict = { disableStrongPassword: false, banned: ['Contoso'] };

describe('Entra password policy', () => {
  it.each([
    ['Correct-Horse-42', true],
    ['abcDEF12', true],
    ['short1A', false], // 7 characters
    ['x'.repeat(250) + 'A1!aaaa', false], // 257 characters
    ['alllowercase1', false], // two classes
    ['Pässwort-123', false], // not in the allowed set
    ['Password1!', false], // banned term + 2 characters < 5 points
    ['C0nt0s0-Rocks!', true], // banned term (1) + 7 more characters
    ['Contoso1!', false],
  ])('%s → %s', (pw, ok) => {
    expect(compliesWithEntraPolicy(pw, strict)).toBe(ok);
  });
  it('DisableStrongPassword keeps only length and the character set', () => {
    expect(compliesWithEntraPolicy('alllowercase1', { ...strict, disableStrongPassword: true })).toBe(true);
    expect(compliesWithEntraPolicy('short', { ...strict, disableStrongPassword: true })).toBe(false);
  });
});

describe('Google password formats', () => {
  const ok = (pw: unknown, h?: unknown) => E.isRight(checkPassword(pw, h));
  it('plain: 8 to 100 printable ASCII', () => {
    expect(ok('12345678')).toBe(true);
    expect(ok('1234567')).toBe(false);
    expect(ok('a'.repeat(100))).toBe(true);
    expect(ok('a'.repeat(101))).toBe(false);
    expect(ok('tab\tinside')).toBe(false);
    expect(ok(12345678)).toBe(false);
  });
  it('hashes: MD5, SHA-1, crypt DES/$1$/$5$/$6$ with rounds ≤ 10000; bcrypt and unknown functions refused', () => {
    expect(ok('0'.repeat(32), 'MD5')).toBe(true);
    expect(ok('0'.repeat(31), 'MD5')).toBe(false);
    expect(ok('f'.repeat(40), 'SHA-1')).toBe(true);
    expect(ok('ab01234567890', 'crypt')).toBe(true);
    expect(ok(`$1$saltsalt$${'a'.repeat(22)}`, 'crypt')).toBe(true);
    expect(ok(`$5$salt$${'a'.repeat(43)}`, 'crypt')).toBe(true);
    expect(ok(`$6$rounds=10000$salt$${'a'.repeat(86)}`, 'crypt')).toBe(true);
    expect(ok(`$6$rounds=10001$salt$${'a'.repeat(86)}`, 'crypt')).toBe(false);
    expect(ok(`$2b$10$${'a'.repeat(53)}`, 'crypt')).toBe(false);
    expect(ok('0'.repeat(32), 'bcrypt')).toBe(false);
  });
});

describe('token bucket', () => {
  it('passes a burst of `limit`, then one per window/limit, with Retry-After to the next token', () => {
    const clock = offsetClock();
    const b = tokenBuckets({ limit: 3, windowSeconds: 30 }, clock);
    expect([b.take('k'), b.take('k'), b.take('k')].map((t) => t._tag)).toEqual(['Granted', 'Granted', 'Granted']);
    const t = b.take('k');
    expect(t._tag === 'Throttled' && t.retryAfterSeconds).toBe(10);
    expect(b.take('other')._tag).toBe('Granted');
    clock.advance(10);
    expect(b.take('k')._tag).toBe('Granted');
    b.set(null);
    for (let i = 0; i < 10; i++) expect(b.take('k')._tag).toBe('Granted');
  });
});
