// Random session tokens (stored only as SHA-256 hashes) and stateless activation tokens: an HMAC
// over the user id, an expiry and the purpose "first password", keyed by a host secret. The engine
// mints one while rendering the activation mail without any write; the token is then accepted only
// while the user's password is still pending, so it works once and a leaked old mail is useless.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { UserId } from '@takeover/core';

export const newSessionToken = (): string => randomBytes(32).toString('base64url');
export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Compares two secrets in constant time (by their hashes, so lengths do not leak). */
export const sameSecret = (a: string, b: string): boolean =>
  timingSafeEqual(createHash('sha256').update(a, 'utf8').digest(), createHash('sha256').update(b, 'utf8').digest());

export const ACTIVATION_TTL_MS = 7 * 24 * 3600 * 1000;
/** How long an activation link works, in the mails' words ("7 days"): every activation mail says when its link expires. */
export const ACTIVATION_VALID_FOR = `${String(Math.round(ACTIVATION_TTL_MS / 86_400_000))} days`;

export interface ActivationTokens {
  /** A link token for the user, issued now (or at `issuedAtMs`: a resent link and its retry carry the same one). */
  readonly mint: (userId: UserId, issuedAtMs?: number) => string;
  /** The user id when the MAC is right and the token has not expired; the caller checks "still pending". */
  readonly verify: (token: string) => UserId | undefined;
  /**
   * Like `verify`, with when the token was issued (ms): a resent link invalidates those issued
   * before it. `undefined` for a token from before issue 14 (it carries no issue time).
   */
  readonly verifyIssued: (token: string) => { readonly userId: UserId; readonly issuedAt: number | undefined } | undefined;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

export const activationTokens = (key: string, now: () => number = Date.now, ttlMs = ACTIVATION_TTL_MS): ActivationTokens => {
  const mac = (body: string): string =>
    createHmac('sha256', key).update(`takeover-activation/v1/password-pending/${body}`).digest('base64url');
  const same = (tag: string, expected: string) =>
    tag.length === expected.length && timingSafeEqual(Buffer.from(tag), Buffer.from(expected));
  const verifyIssued: ActivationTokens['verifyIssued'] = (token) => {
    const parts = token.split('.');
    if (parts.length !== 3 && parts.length !== 4) return undefined;
    const [user = '', expiry = ''] = parts;
    // v1: user.expiry.mac; v2: user.expiry.issuedAt.mac (the issue time under the MAC).
    const issued = parts.length === 4 ? (parts[2] ?? '') : undefined;
    const tag = parts[parts.length - 1] ?? '';
    if (!same(tag, mac(issued === undefined ? `${user}.${expiry}` : `${user}.${expiry}.${issued}`))) return undefined;
    if (!/^\d+$/.test(expiry) || Number(expiry) * 1000 <= now()) return undefined;
    if (issued !== undefined && !/^\d{1,16}$/.test(issued)) return undefined;
    const id = Buffer.from(user, 'base64url').toString('utf8');
    return id === '' ? undefined : { userId: id as UserId, issuedAt: issued === undefined ? undefined : Number(issued) };
  };
  return {
    mint: (userId, issuedAtMs) => {
      const issued = issuedAtMs ?? now();
      const body = `${b64(userId)}.${Math.floor((issued + ttlMs) / 1000)}.${String(issued)}`;
      return `${body}.${mac(body)}`;
    },
    verify: (token) => verifyIssued(token)?.userId,
    verifyIssued,
  };
};
