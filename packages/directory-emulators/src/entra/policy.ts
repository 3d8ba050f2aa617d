// Entra's password policy: 8 to 256 characters from a fixed ASCII set (no Unicode); three of
// lowercase, uppercase, digits, symbols; and the banned-password check, modelled on Microsoft's
// published scoring: after normalising (lower case, common substitutions), each banned term found
// counts one point and every other character one point; fewer than five points is rejected.
// `passwordPolicies: DisableStrongPassword` relaxes the class and banned checks.

const SYMBOLS = '@#$%^&*-_!+=[]{}|\\:\',.?/`~"();<> ';
const ALLOWED = new Set([...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', ...SYMBOLS]);

export const GLOBAL_BANNED = [
  'password',
  'passw0rd',
  'welcome',
  'letmein',
  'qwerty',
  'azerty',
  '123456',
  'abc123',
  'admin',
  'microsoft',
  'office365',
  'summer',
  'winter',
  'spring',
  'autumn',
  'iloveyou',
  'monkey',
  'dragon',
  'football',
  'baseball',
  'changeme',
];

const SUBSTITUTIONS: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'l',
  '!': 'i',
  '3': 'e',
  '4': 'a',
  '@': 'a',
  '5': 's',
  $: 's',
  '7': 't',
  '8': 'b',
  '9': 'g',
};

const normalise = (s: string): string => [...s.toLowerCase()].map((c) => SUBSTITUTIONS[c] ?? c).join('');

const bannedScore = (password: string, banned: ReadonlyArray<string>): number => {
  let rest = normalise(password);
  let points = 0;
  for (const term of banned
    .map(normalise)
    .filter((b) => b.length >= 4)
    .sort((a, b) => b.length - a.length)) {
    while (rest.includes(term)) {
      rest = rest.replace(term, '');
      points += 1;
    }
  }
  return points + rest.length;
};

/** The tenant settings Entra's password check depends on. */
export interface EntraPolicyContext {
  readonly disableStrongPassword: boolean;
  /** The tenant's custom banned list (its name is added by the caller). */
  readonly banned: ReadonlyArray<string>;
}

export const compliesWithEntraPolicy = (password: string, ctx: EntraPolicyContext): boolean => {
  if (password.length < 8 || password.length > 256) return false;
  if (![...password].every((c) => ALLOWED.has(c))) return false;
  if (ctx.disableStrongPassword) return true;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((r) => r.test(password)).length;
  if (classes < 3) return false;
  return bannedScore(password, [...GLOBAL_BANNED, ...ctx.banned]) >= 5;
};
