// Device tokens (issue 17 #6, OWASP's "device cookie"): after a successful login the browser gets a
// token that says "this device logged in to this account before": a nonce and an HMAC over the
// account and the nonce, keyed by a host secret. A login that brings a valid one for the account it
// tries is throttled in the device's own bucket, so an account lockout caused by guesses from
// elsewhere does not keep its owner out.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface DeviceTokens {
  /** A fresh token for this account. */
  readonly mint: (account: string) => string;
  /** The device's nonce when `token` was minted for this account; undefined otherwise. */
  readonly verify: (account: string, token: string | undefined) => string | undefined;
}

export const deviceTokens = (key: string): DeviceTokens => {
  const mac = (account: string, nonce: string): string =>
    createHmac('sha256', key).update(`takeover-device/v1/${account}/${nonce}`).digest('base64url');
  return {
    mint: (account) => {
      const nonce = randomBytes(16).toString('base64url');
      return `${nonce}.${mac(account, nonce)}`;
    },
    verify: (account, token) => {
      if (token === undefined || token.length > 200) return undefined;
      const [nonce, tag, ...rest] = token.split('.');
      if (nonce === undefined || tag === undefined || rest.length > 0 || nonce === '') return undefined;
      const expected = mac(account, nonce);
      return tag.length === expected.length && timingSafeEqual(Buffer.from(tag), Buffer.from(expected)) ? nonce : undefined;
    },
  };
};
