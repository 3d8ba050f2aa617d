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

export interface ActivationTokens {
  readonly mint: (userId: UserId) => string;
  /** The user id when the MAC is right and the token has not expired; the caller checks "still pending". */
  readonly verify: (token: string) => UserId | undefined;
}

export const activationTokens = (key: string, now: () => number = Date.now, ttlMs = ACTIVATION_TTL_MS): ActivationTokens => {
  const mac = (body: string): string =>
    createHmac('sha256', key).update(`takeover-activation/v1/password-pending/${body}`).digest('base64url');
  return {
    mint: (userId) => {
      const body = `${Buffer.from(userId, 'utf8').toString('base64url')}.${Math.floor((now() + ttlMs) / 1000)}`;
      return `${body}.${mac(body)}`;
    },
    verify: (token) => {
      const parts = token.split('.');
      if (parts.length !== 3) return undefined;
      const [user, expiry, tag] = parts as [string, string, string];
      const expected = mac(`${user}.${expiry}`);
      if (tag.length !== expected.length || !timingSafeEqual(Buffer.from(tag), Buffer.from(expected))) return undefined;
      if (!/^\d+$/.test(expiry) || Number(expiry) * 1000 <= now()) return undefined;
      const id = Buffer.from(user, 'base64url').toString('utf8');
      return id === '' ? undefined : (id as UserId);
    },
  };
};
