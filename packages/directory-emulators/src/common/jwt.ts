// Compact JWS (JWT) decoding, verification and signing with node:crypto only: the emulators need
// RS256 (Google service accounts, MSAL with a SHA-1 thumbprint) and PS256 (MSAL with `x5t#S256`).
import { constants, createPrivateKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';

export type JsonObject = Readonly<Record<string, unknown>>;

export interface DecodedJws {
  readonly header: JsonObject;
  readonly payload: JsonObject;
  readonly signingInput: string;
  readonly signature: Buffer;
}

export interface MalformedJws {
  readonly _tag: 'MalformedJws';
}

const part = (s: string): JsonObject | undefined => {
  try {
    const v: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonObject) : undefined;
  } catch {
    return undefined;
  }
};

export const decodeJws = (token: string): E.Either<MalformedJws, DecodedJws> => {
  const pieces = token.split('.');
  if (pieces.length !== 3) return E.left({ _tag: 'MalformedJws' });
  const [h = '', p = '', s = ''] = pieces;
  const header = part(h);
  const payload = part(p);
  return header && payload && s.length > 0
    ? E.right({ header, payload, signingInput: `${h}.${p}`, signature: Buffer.from(s, 'base64url') })
    : E.left({ _tag: 'MalformedJws' });
};

/** True when the signature is valid for `key` under the header's `alg` (RS256 or PS256 only). */
export const verifyJws = (jws: DecodedJws, key: KeyObject): boolean => {
  const data = Buffer.from(jws.signingInput);
  try {
    switch (jws.header['alg']) {
      case 'RS256':
        return verify('sha256', data, key, jws.signature);
      case 'PS256':
        return verify(
          'sha256',
          data,
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
          jws.signature,
        );
      default:
        return false;
    }
  } catch {
    return false;
  }
};

export const signRs256 = (header: JsonObject, payload: JsonObject, privateKeyPem: string | KeyObject): string => {
  const enc = (o: JsonObject): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${enc({ ...header, alg: 'RS256', typ: 'JWT' })}.${enc(payload)}`;
  const key = typeof privateKeyPem === 'string' ? createPrivateKey(privateKeyPem) : privateKeyPem;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
};

export const numberClaim = (o: JsonObject, name: string): number | undefined => {
  const v = o[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};

export const stringClaim = (o: JsonObject, name: string): string | undefined => {
  const v = o[name];
  return typeof v === 'string' ? v : undefined;
};
