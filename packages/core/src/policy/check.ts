import { reveal } from '../secret.js';
import type { Secret } from '../secret.js';
import type { PasswordPolicy } from './passwordPolicy.js';
import type { CharacterClass, Violation } from './violations.js';
import { characterClasses } from './violations.js';

/** Entra ID's symbol list (reference/directory-apis.md), space included. */
export const ENTRA_SYMBOLS = '@#$%^&*-_!+=[]{}|\\:\',.?/`~"();<> ';

export interface PasswordCheckHooks {
  /**
   * The banned-password list: Entra's global and custom lists (or the platform's own, e.g. a
   * breached-password lookup done ahead of time). Must be pure and synchronous; it receives the
   * `Secret`, never a string, so it cannot be called with a logged value by accident.
   */
  readonly isBanned?: (password: Secret) => boolean;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const classOf = (ch: string): CharacterClass | undefined =>
  ch >= 'a' && ch <= 'z'
    ? 'lowercase'
    : ch >= 'A' && ch <= 'Z'
      ? 'uppercase'
      : ch >= '0' && ch <= '9'
        ? 'digits'
        : ENTRA_SYMBOLS.includes(ch)
          ? 'symbols'
          : undefined;

/** Which of the four classes a password mixes (exported for the portal's live policy display). */
export const classesIn = (password: Secret): ReadonlyArray<CharacterClass> => {
  const seen = new Set<CharacterClass>();
  for (const ch of reveal(password)) {
    const c = classOf(ch);
    if (c !== undefined) seen.add(c);
  }
  return characterClasses.filter((c) => seen.has(c));
};

const length = (s: string): number => [...s].length;

const lengthRules = (value: string, min: number, max: number): Violation[] => [
  ...(length(value) < min ? [{ rule: 'too-short', min } as const] : []),
  ...(length(value) > max ? [{ rule: 'too-long', max } as const] : []),
];

const classRule = (password: Secret, required: number): Violation[] => {
  const present = classesIn(password);
  return present.length < required ? [{ rule: 'too-few-character-classes', required, present }] : [];
};

/**
 * The rules `policy` would reject `password` for; empty when it is accepted. Pure: it sees the
 * plaintext only through `reveal`, and nothing it returns contains it.
 */
export const checkPassword = (policy: PasswordPolicy, password: Secret, hooks: PasswordCheckHooks = {}): ReadonlyArray<Violation> => {
  const value = reveal(password);
  const banned = (): Violation[] => (hooks.isBanned?.(password) === true ? [{ rule: 'banned' }] : []);
  switch (policy.kind) {
    case 'google-workspace':
      return [...lengthRules(value, 8, 100), ...(PRINTABLE_ASCII.test(value) ? [] : [{ rule: 'not-plain-ascii' } as const])];
    case 'microsoft-entra': {
      const allowed = [...value].every((ch) => classOf(ch) !== undefined);
      if (policy.disableStrongPassword === true)
        return [
          ...lengthRules(value, 8, 256),
          ...(allowed ? [] : [{ rule: 'characters-outside-allowed-set', allowedSymbols: ENTRA_SYMBOLS } as const]),
        ];
      return [
        ...lengthRules(value, 8, 256),
        ...(allowed ? [] : [{ rule: 'characters-outside-allowed-set', allowedSymbols: ENTRA_SYMBOLS } as const]),
        ...classRule(password, 3),
        ...banned(),
      ];
    }
    case 'custom':
      return [
        ...lengthRules(value, policy.minLength, policy.maxLength),
        ...(policy.asciiOnly === true && !PRINTABLE_ASCII.test(value)
          ? [{ rule: 'not-plain-ascii' } as const]
          : CONTROL.test(value)
            ? [{ rule: 'control-characters' } as const]
            : []),
        ...classRule(password, policy.minCharacterClasses ?? 0),
        ...(policy.checkBannedList === true ? banned() : []),
      ];
  }
};
