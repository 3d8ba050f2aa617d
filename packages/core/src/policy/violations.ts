/** The four character classes password policies count. */
export type CharacterClass = 'lowercase' | 'uppercase' | 'digits' | 'symbols';
export const characterClasses: ReadonlyArray<CharacterClass> = ['lowercase', 'uppercase', 'digits', 'symbols'];

/**
 * One broken rule. Deliberately carries nothing taken from the password beyond which character
 * classes it mixes (the user needs that to fix it): no length, no offending character.
 */
export type Violation =
  | { readonly rule: 'too-short'; readonly min: number }
  | { readonly rule: 'too-long'; readonly max: number }
  | { readonly rule: 'not-plain-ascii' }
  | { readonly rule: 'control-characters' }
  | { readonly rule: 'characters-outside-allowed-set'; readonly allowedSymbols: string }
  | { readonly rule: 'too-few-character-classes'; readonly required: number; readonly present: ReadonlyArray<CharacterClass> }
  | { readonly rule: 'banned' };
