import { createRequire } from 'node:module';
import * as E from 'fp-ts/lib/Either.js';
import { isSecret, reveal } from '@takeover/core';
import type { Problem } from '../../src/index.js';
import {
  decodeActivation,
  decodeAttributeChanges,
  decodeBinding,
  decodeCreateUser,
  decodeCredentials,
  decodePasswordChange,
  decodePasswordCheck,
  decodePolicyChange,
  decodeStateChange,
  decodeVerify,
} from '../../src/index.js';
import { decodeUserListFilter } from '../../src/app/inputs.js';

const problem = <T>(r: E.Either<Problem, T>): Problem => {
  if (E.isRight(r)) throw new Error('expected a problem');
  return r.left;
};
const value = <T>(r: E.Either<Problem, T>): T => {
  if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
  return r.right;
};

test('create user: fields trimmed, email lower-cased, the password a Secret, absent optionals left out', () => {
  const u = value(
    decodeCreateUser({
      email: ' Ada@Example.com ',
      givenName: ' Ada ',
      familyName: 'Lovelace',
      state: 'active',
      password: 'Pass-word-1',
      directories: ['google', 'microsoft', 'google'],
    }),
  );
  expect(u).toMatchObject({
    email: 'ada@example.com',
    givenName: 'Ada',
    familyName: 'Lovelace',
    state: 'active',
    directories: ['google', 'microsoft'],
  });
  expect(isSecret(u.password)).toBe(true);
  expect(u.password === undefined ? '' : reveal(u.password)).toBe('Pass-word-1');
  expect(Object.keys(value(decodeCreateUser({ email: 'a@b.co', givenName: 'A', familyName: 'B', state: 'staged' })))).toEqual([
    'email',
    'givenName',
    'familyName',
    'state',
  ]);
});

test.each([
  [null, 'body', 'must be a JSON object'],
  [[], 'body', 'must be a JSON object'],
  [{ givenName: 'A', familyName: 'B', state: 'active' }, 'email', 'is required'],
  [{ email: 'nope', givenName: 'A', familyName: 'B', state: 'active' }, 'email', 'email address'],
  [{ email: 'a@b.co', givenName: '  ', familyName: 'B', state: 'active' }, 'givenName', '1 to 256'],
  [{ email: 'a@b.co', givenName: 'A', familyName: 'B', state: 'deleted' }, 'state', '"active", "staged"'],
  [{ email: 'a@b.co', givenName: 'A', familyName: 'B', state: 'active', password: '' }, 'password', '1 to 1024'],
  [{ email: 'a@b.co', givenName: 'A', familyName: 'B', state: 'active', password: 42 }, 'password', '1 to 1024'],
  [{ email: 'a@b.co', givenName: 'A', familyName: 'B', state: 'active', directories: ['Google!'] }, 'directories.0', 'directory id'],
  [{ email: 'a@b.co', givenName: 'A', familyName: 'B', state: 'active', directories: 'google' }, 'directories', 'list'],
  [{ email: 'a@b.co', givenName: 'A', familyName: 'B', state: 'active', isAdmin: true }, 'isAdmin', 'not a known field'],
  [{ email: 'a@b.co', givenName: 'A\nB', familyName: 'B', state: 'active' }, 'givenName', 'line breaks'],
])('create user %j → invalid %s', (body, field, reason) => {
  expect(problem(decodeCreateUser(body))).toEqual({ kind: 'invalid', field, reason: expect.stringContaining(reason) as unknown });
});

test('the user list filter: a failing reason must be a failure class (a code), and only with sync=failing', () => {
  expect(decodeUserListFilter({ sync: 'failing', failingReason: 'auth' })).toEqual(E.right({ sync: 'failing', failingReason: 'auth' }));
  expect(problem(decodeUserListFilter({ sync: 'failing', failingReason: 'rate-limit' }))).toEqual({
    kind: 'invalid',
    field: 'failingReason',
    reason: 'must be one of "retryable", "permanent", "auth"',
  });
  expect(problem(decodeUserListFilter({ failingReason: 'auth' }))).toEqual({
    kind: 'invalid',
    field: 'failingReason',
    reason: 'needs sync=failing',
  });
});

test('a rejected password is never quoted in the problem', () => {
  const secret = 'x'.repeat(2000);
  expect(
    JSON.stringify(problem(decodeCreateUser({ email: 'a@b.co', givenName: 'A', familyName: 'B', state: 'active', password: secret }))),
  ).not.toContain('xxxx');
  expect(JSON.stringify(problem(decodeCredentials({ email: 'a@b.co', password: secret })))).not.toContain('xxxx');
});

test('attribute changes: null clears an optional one, required ones cannot be cleared, at least one change', () => {
  expect(value(decodeAttributeChanges({ jobTitle: 'Engineer', department: null, email: 'New@Example.com' }))).toEqual({
    jobTitle: 'Engineer',
    department: null,
    email: 'new@example.com',
  });
  expect(problem(decodeAttributeChanges({ givenName: null }))).toMatchObject({ kind: 'invalid', field: 'givenName' });
  expect(problem(decodeAttributeChanges({}))).toMatchObject({ kind: 'invalid', field: 'body' });
  expect(problem(decodeAttributeChanges({ nickname: 'x' }))).toMatchObject({ kind: 'invalid', field: 'nickname' });
  expect(problem(decodeAttributeChanges({ jobTitle: 7 }))).toMatchObject({ kind: 'invalid', field: 'jobTitle' });
});

test('state, binding and policy changes', () => {
  expect(value(decodeStateChange({ state: 'suspended' }))).toBe('suspended');
  expect(problem(decodeStateChange({ state: 'gone' }))).toMatchObject({ field: 'state' });
  expect(value(decodeBinding({ directoryId: 'google' }))).toBe('google');
  expect(problem(decodeBinding({}))).toEqual({ kind: 'invalid', field: 'directoryId', reason: 'is required' });
  expect(value(decodePolicyChange({ passwordPush: 'when-changed', revokeSessionsOnPush: true }))).toEqual({
    passwordPush: 'when-changed',
    revokeSessionsOnPush: true,
  });
  expect(problem(decodePolicyChange({ revokeSessionsOnPush: 'yes' }))).toMatchObject({
    field: 'revokeSessionsOnPush',
    reason: 'must be true or false',
  });
  expect(problem(decodePolicyChange({}))).toMatchObject({ field: 'body' });
  expect(problem(decodePolicyChange({ passwordPolicy: {} }))).toMatchObject({ field: 'passwordPolicy' });
});

test('credentials, activation, password change, verify and password check carry Secrets', () => {
  const c = value(decodeCredentials({ email: 'Ada@Example.com', password: 'p' }));
  expect(c.email).toBe('ada@example.com');
  expect(reveal(c.password)).toBe('p');
  expect(JSON.stringify(c)).not.toContain('"p"');
  const a = value(decodeActivation({ token: 'abc.123.def', password: 'New-Pass-1' }));
  expect(reveal(a.password)).toBe('New-Pass-1');
  expect(problem(decodeActivation({ token: 'a b', password: 'x' }))).toMatchObject({ field: 'token' });
  const pc = value(decodePasswordChange({ current: 'old', next: 'new' }));
  expect([reveal(pc.current), reveal(pc.next)]).toEqual(['old', 'new']);
  expect(problem(decodePasswordChange({ current: 'old' }))).toEqual({ kind: 'invalid', field: 'next', reason: 'is required' });
  expect(value(decodeVerify({ userKey: 'ada@example.com', password: 'x' })).userKey).toBe('ada@example.com');
  expect(problem(decodeVerify({ userKey: '', password: 'x' }))).toMatchObject({ field: 'userKey' });
  expect(Object.keys(value(decodePasswordCheck({ password: 'x' })))).toEqual(['password']);
  expect(value(decodePasswordCheck({ password: 'x', token: 't' })).token).toBe('t');
});

describe('issue 17 #12: one addr-spec per email; names in NFC without control, bidi-override or zero-width characters', () => {
  const base = { givenName: 'Ada', familyName: 'Lovelace', state: 'active' };
  test.each([
    'a,b@evil.example',
    'Ada <ada@example.com>',
    '"ada"@example.com',
    '<script>alert(1)</script>@example.com',
    'ada@example.com\r\nBcc: eve@evil.example',
    'ada @example.com',
    'ada@@example.com',
    'ada@example',
    'ada@-example.com',
    '.ada@example.com',
    'a..da@example.com',
    'ada@example.com,eve@evil.example',
    'ada\u0000@example.com',
    'ada(comment)@example.com',
    'ada;eve@example.com',
  ])('refused, naming the field: %j', (email) => {
    const p = problem(decodeCreateUser({ ...base, email }));
    expect(p).toMatchObject({ kind: 'invalid', field: 'email' });
    expect(p.kind === 'invalid' ? p.reason : '').toContain('one email address');
  });

  test('what the mail library would see is exactly the one address that was accepted', () => {
    // nodemailer's own address parser: the accepted forms parse to one address, equal to the input.
    const addressparser = createRequire(__filename)('nodemailer/lib/addressparser') as (
      s: string,
    ) => ReadonlyArray<{ address?: string; name: string }>;
    for (const email of ['ada@example.com', 'first.last+tag@sub.example.co.uk', "o'brien@example.ie"]) {
      const accepted = value(decodeCreateUser({ ...base, email })).email;
      expect(addressparser(accepted)).toEqual([{ address: accepted, name: '' }]);
    }
    expect(addressparser('a,b@evil.example')).toHaveLength(2); // what used to be accepted
  });

  test.each([
    ['givenName', 'Ada\u202eecalevoL'],
    ['familyName', 'Love\u200blace'],
    ['givenName', 'A\u2066da'],
    ['familyName', 'Love\u0007lace'],
    ['displayName', 'Ada\u200dLovelace'],
    ['jobTitle', 'Chief\u2028Engineer'],
    ['familyName', 'Love\ufefflace'],
  ])('%s with a hidden character is refused, naming the field', (fieldName, text) => {
    const p = problem(decodeCreateUser({ ...base, email: 'ada@example.com', [fieldName]: text }));
    expect(p).toMatchObject({ kind: 'invalid', field: fieldName });
  });

  test('names are normalised to NFC (the same name typed two ways is one name)', () => {
    const decomposed = 'Rene\u0301e'; // e + combining acute
    const u = value(decodeCreateUser({ ...base, email: 'renee@example.com', givenName: decomposed }));
    expect(u.givenName).toBe('Ren\u00e9e');
    const changed = value(decodeAttributeChanges({ familyName: 'Gon\u0303zalez' }));
    expect(changed.familyName).toBe('Go\u00f1zalez');
    expect(problem(decodeAttributeChanges({ displayName: 'x\u202ey' }))).toMatchObject({ kind: 'invalid', field: 'displayName' });
  });
});
