// The OAuth 2.0 JWT-bearer grant (RFC 7523) as oauth2.googleapis.com/token answers it: the RS256
// assertion is verified against the service account's public key, then the claims: iss, aud,
// iat/exp (at most one hour), scope (each authorised for domain-wide delegation) and sub.
import { randomBytes } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { decodeJws, numberClaim, stringClaim, verifyJws } from '../common/jwt.js';
import type { GoogleOAuthError } from './errors.js';
import { oauthError } from './errors.js';
import type { GoogleSession, GoogleState } from './state.js';
import { findUser } from './state.js';

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const SKEW_S = 300;

export interface TokenGrant {
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly session: GoogleSession;
}

const timeframe = (): GoogleOAuthError =>
  oauthError(
    'invalid_grant',
    'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
  );

export const exchangeAssertion = (
  s: GoogleState,
  form: Readonly<Record<string, string>>,
  nowMs: number,
  ownTokenUrl: string,
  lifetimeSeconds: number,
): E.Either<GoogleOAuthError, TokenGrant> => {
  const grant = form['grant_type'];
  if (grant === undefined) return E.left(oauthError('invalid_request', 'Missing required parameter: grant_type'));
  if (grant !== JWT_BEARER) return E.left(oauthError('unsupported_grant_type', `Invalid grant_type: ${grant}`));
  const assertion = form['assertion'];
  if (assertion === undefined) return E.left(oauthError('invalid_request', 'Missing required parameter: assertion'));
  const jws = decodeJws(assertion);
  if (E.isLeft(jws)) return E.left(oauthError('invalid_grant', 'Invalid JWT Signature.'));
  const { header, payload } = jws.right;
  const iss = stringClaim(payload, 'iss');
  const sa = iss === undefined ? undefined : s.serviceAccounts.get(iss.toLowerCase());
  if (sa === undefined) return E.left(oauthError('invalid_grant', 'Invalid grant: account not found'));
  const kid = stringClaim(header, 'kid');
  if (header['alg'] !== 'RS256' || (kid !== undefined && kid !== sa.privateKeyId) || !verifyJws(jws.right, sa.publicKey)) {
    return E.left(oauthError('invalid_grant', 'Invalid JWT Signature.'));
  }
  const aud = stringClaim(payload, 'aud');
  if (aud !== GOOGLE_TOKEN_URL && aud !== ownTokenUrl) {
    return E.left(oauthError('invalid_grant', `Invalid JWT: Failed audience check. The right audience is ${GOOGLE_TOKEN_URL}`));
  }
  const iat = numberClaim(payload, 'iat');
  const exp = numberClaim(payload, 'exp');
  const now = nowMs / 1000;
  if (iat === undefined || exp === undefined || exp <= iat || exp - iat > 3600 || iat > now + SKEW_S || exp < now - SKEW_S)
    return E.left(timeframe());
  const scope = stringClaim(payload, 'scope') ?? '';
  const scopes = scope.split(/\s+/).filter((x) => x.length > 0);
  if (scopes.length === 0) return E.left(oauthError('invalid_scope', 'Empty or missing scope not allowed.'));
  const sub = stringClaim(payload, 'sub') ?? sa.clientEmail;
  if (sub !== sa.clientEmail) {
    if (findUser(s, sub) === undefined) return E.left(oauthError('invalid_grant', 'Invalid email or User ID'));
    if (!scopes.every((x) => sa.delegatedScopes.includes(x))) {
      return E.left(
        oauthError(
          'unauthorized_client',
          'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
          401,
        ),
      );
    }
  }
  const accessToken = `ya29.emu-${randomBytes(32).toString('base64url')}`;
  const session: GoogleSession = {
    subject: sub,
    scopes,
    serviceAccount: sa.clientEmail,
    projectId: sa.projectId,
    expiresAt: nowMs + lifetimeSeconds * 1000,
  };
  return E.right({ accessToken, expiresIn: lifetimeSeconds - 1, session });
};
