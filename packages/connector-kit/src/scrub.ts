import { isSecret, reveal, REDACTED_TEXT } from '@takeover/core';
import type { Secret } from '@takeover/core';
import type { ProviderDetail } from './errors.js';

/**
 * The spellings a plaintext can take in provider text: as is, JSON-escaped (a server echoing the
 * request body), and percent-encoded (a server echoing a form or a query). Shorter than 4
 * characters and we would redact ordinary words; such a value is refused by every policy anyway.
 */
const spellings = (plain: string): ReadonlyArray<string> =>
  plain.length < 4 ? [] : [...new Set([plain, JSON.stringify(plain).slice(1, -1), encodeURIComponent(plain)])];

/**
 * Removes every known secret's plaintext from a provider's text. Defensive: providers should not
 * echo a password, but some do ("password 'hunter22' is too common"), and the text goes to admins.
 */
export const scrubText = (text: string, secrets: ReadonlyArray<Secret | undefined>): string => {
  let out = text;
  for (const s of secrets) {
    if (!isSecret(s)) continue;
    for (const spelling of spellings(reveal(s))) out = out.split(spelling).join(REDACTED_TEXT);
  }
  return out;
};

/** `scrubText` over every text field of a provider detail. */
export const scrubProvider = (detail: ProviderDetail, secrets: ReadonlyArray<Secret | undefined>): ProviderDetail => ({
  ...detail,
  message: scrubText(detail.message, secrets),
  ...(detail.code === undefined ? {} : { code: scrubText(detail.code, secrets) }),
});
