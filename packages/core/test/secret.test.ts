import { inspect } from 'node:util';
import { Secret, reveal, isSecret } from '../src/index.js';
import type * as SecretModuleNs from '../src/secret.js';

type SecretModule = typeof SecretModuleNs;

const plaintext = 'correct-horse-battery-staple-9!';

describe('Secret (R14)', () => {
  const s = Secret.of(plaintext);

  test('reveal gives the value back', () => {
    expect(reveal(s)).toBe(plaintext);
    expect(isSecret(s)).toBe(true);
    expect(isSecret({})).toBe(false);
  });

  // The whole point is to misuse the secret the ways careless code would.
  /* eslint-disable @typescript-eslint/restrict-template-expressions */
  test.each([
    ['String()', () => String(s)],
    ['template string', () => `${s}`],
    ['concatenation', () => 'x' + (s as unknown as string)],
    ['JSON.stringify', () => JSON.stringify({ password: s })],
    ['util.inspect', () => inspect({ nested: { password: s } }, { depth: 10, showHidden: true })],
    ['Error message', () => new Error(`bad ${s}`).message],
    ['Object.keys/values', () => JSON.stringify([Object.keys(s), Object.values(s), Object.getOwnPropertyNames(s)])],
    ['structuredClone', () => JSON.stringify(structuredClone(s))],
  ])('%s never shows the plaintext', (_, render) => {
    expect(render()).not.toContain(plaintext);
  });
  /* eslint-enable @typescript-eslint/restrict-template-expressions */

  test('a secret is frozen', () => {
    expect(Object.isFrozen(s)).toBe(true);
  });
});

describe('Secret across duplicate package copies', () => {
  test('a secret made by another copy of the module is recognised and revealed', () => {
    // A second, isolated copy of the module, as npm would install for a second dependent.
    let other: SecretModule | undefined;
    jest.isolateModules(() => {
      other = jest.requireActual<SecretModule>('../src/secret.js');
    });
    if (other === undefined) throw new Error('module copy not loaded');
    expect(other.Secret).not.toBe(Secret);
    const foreign = other.Secret.of(plaintext);
    expect(isSecret(foreign)).toBe(true);
    expect(reveal(foreign)).toBe(plaintext);
    expect(JSON.stringify(foreign)).not.toContain(plaintext);
  });
});
