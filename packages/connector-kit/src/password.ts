import { randomInt } from 'node:crypto';
import { Secret } from '@takeover/core';

const lower = 'abcdefghijkmnopqrstuvwxyz';
const upper = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const digits = '23456789';
/** Symbols every known policy accepts (Entra's list, Google's printable ASCII). */
const symbols = '-_!.@#';
const all = lower + upper + digits + symbols;

const pick = (alphabet: string): string => alphabet.charAt(randomInt(alphabet.length));

/**
 * A password for a newly created account, which nobody is told: 32 characters from node:crypto,
 * all four character classes, ASCII only (so Google's and Entra's policies take it). Call it inside
 * the connector, send it, drop it: it is never returned, logged or stored. The account waits for
 * the takeover to set the user's real password.
 */
export const unknowablePassword = (length = 32): Secret => {
  const chars = [pick(lower), pick(upper), pick(digits), pick(symbols)];
  while (chars.length < length) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] ?? '', chars[i] ?? ''];
  }
  return Secret.of(chars.join(''));
};
