import type { CharacterClass, Violation } from './violations.js';

const list = (items: ReadonlyArray<string>, conjunction: 'and' | 'or'): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1] ?? ''}`;

const classNames: Record<CharacterClass, string> = { lowercase: 'lowercase', uppercase: 'uppercase', digits: 'digits', symbols: 'symbols' };

const spacedSymbols = (symbols: string): string => [...symbols.trim()].join(' ');

/** One broken rule as a phrase that follows the directory's name ("… needs at least 8 characters"). */
export const describeViolation = (v: Violation): string => {
  switch (v.rule) {
    case 'too-short':
      return `needs at least ${v.min} characters`;
    case 'too-long':
      return `accepts at most ${v.max} characters`;
    case 'not-plain-ascii':
      return 'accepts only plain ASCII characters (letters A–Z, digits, spaces and common symbols) — no accented letters, emoji or tabs';
    case 'control-characters':
      return 'does not accept invisible control characters such as tabs or line breaks';
    case 'characters-outside-allowed-set':
      return `accepts only letters A–Z, digits, spaces and these symbols: ${spacedSymbols(v.allowedSymbols)} — no accented letters, emoji or tabs`;
    case 'too-few-character-classes': {
      const wanted = `needs at least ${v.required} of: lowercase, uppercase, digits, symbols`;
      const has =
        v.present.length === 0
          ? 'yours has none of them'
          : `yours has ${list(
              v.present.map((c) => classNames[c]),
              'and',
            )} only`;
      return `${wanted} — ${has}`;
    }
    case 'banned':
      return 'does not accept this password because it is on its list of common or banned passwords; pick something less guessable';
  }
};

/**
 * "Microsoft 365 (contoso.com) needs at least 8 characters; it also needs at least 3 of: lowercase,
 * uppercase, digits, symbols — yours has lowercase and digits only."
 */
export const describeRejection = (label: string, violations: ReadonlyArray<Violation>): string =>
  `${label} ${violations.map(describeViolation).join('; it also ')}.`;
