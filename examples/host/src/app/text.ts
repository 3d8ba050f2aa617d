// What people type: an email address and names (issue 17 #12). Addresses are checked strictly as
// one addr-spec, in the form browsers use for `<input type=email>` (the WHATWG HTML standard's
// "valid email address"): no display name, no comma-separated list, no quoting, comment, space or
// control character, and a domain of dot-separated DNS labels with at least one dot. Names are
// normalised to Unicode NFC and refused when they hold control, bidi-override or zero-width
// characters, which can disguise what a name shows in the console, a mail or a directory.

const LOCAL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** One addr-spec (`local@domain.tld`), at most 254 characters. */
export const isEmailAddress = (s: string): boolean => {
  if (s.length > 254) return false;
  const at = s.lastIndexOf('@');
  if (at <= 0 || s.indexOf('@') !== at) return false;
  const local = s.slice(0, at);
  const labels = s.slice(at + 1).split('.');
  return (
    LOCAL.test(local) &&
    !local.startsWith('.') &&
    !local.endsWith('.') &&
    !local.includes('..') &&
    labels.length >= 2 &&
    labels.every((l) => LABEL.test(l)) &&
    /[A-Za-z]/.test(labels[labels.length - 1] ?? '')
  );
};

// eslint-disable-next-line no-control-regex -- control characters are what is refused
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** Bidi embeddings, overrides and isolates, the implicit marks, and the zero-width characters. */
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/;

/** Why a name cannot be taken, or undefined when it can (after NFC). */
export const nameProblem = (s: string): string | undefined => {
  if (CONTROL.test(s)) return 'must not contain line breaks or other control characters';
  if (INVISIBLE.test(s)) return 'must not contain bidirectional-override or zero-width characters';
  return undefined;
};

export const normaliseName = (s: string): string => s.normalize('NFC').trim();
