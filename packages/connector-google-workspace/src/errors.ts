import { isRight } from 'fp-ts/lib/Either.js';
import type { Secret } from '@takeover/core';
import type { ConnectorError, ProviderDetail } from '@takeover/connector-kit';
import { authFailed, classifyHttpStatus, permanent, retryable, scrubProvider } from '@takeover/connector-kit';
import { GoogleErrorBody, GoogleOAuthErrorBody } from './codecs.js';

/** Directory API reasons that mean "slow down" although some come as 403 (reference/directory-apis.md). */
const throttleReasons: ReadonlyArray<string> = ['userRateLimitExceeded', 'quotaExceeded', 'rateLimitExceeded', 'dailyLimitExceeded'];

/** Reasons that mean the token lacks a scope or delegation: an admin must grant it (not this user's fault). */
const consentReasons: ReadonlyArray<string> = ['authError', 'insufficientPermissions'];

export interface GoogleRequestFacts {
  /** The request carried a password (plain or hashed): a 400 about it is a policy rejection. */
  readonly carriedPassword: boolean;
  /** Scrubbed from everything Google said. */
  readonly secrets: ReadonlyArray<Secret | undefined>;
}

/**
 * A Google HTTP error response as exactly one ConnectorError. The token endpoint's OAuth errors
 * (`invalid_grant`, `unauthorized_client`, …) are `auth` unless throttled or 5xx; the Directory
 * API's reason refines the status: the 403 rate limits are throttling, a missing scope is `auth`,
 * a 400 "Invalid Password" on a request that carried one is `policy-rejected`.
 */
export const fromGoogleResponse = (
  status: number,
  body: unknown,
  retryAfter: number | undefined,
  facts: GoogleRequestFacts,
): ConnectorError => {
  const oauth = GoogleOAuthErrorBody.decode(body);
  if (isRight(oauth)) {
    const provider = scrubProvider(
      { status, code: oauth.right.error, message: oauth.right.error_description ?? oauth.right.error },
      facts.secrets,
    );
    return status === 429 || status >= 500 ? classifyHttpStatus(status, provider, retryAfter) : authFailed(provider);
  }
  const api = GoogleErrorBody.decode(body);
  const reason = isRight(api) ? api.right.error.errors?.[0]?.reason : undefined;
  const provider: ProviderDetail = scrubProvider(
    {
      status,
      ...(reason === undefined ? {} : { code: reason }),
      message: isRight(api) ? api.right.error.message : `HTTP ${status} without a Google error body`,
    },
    facts.secrets,
  );
  // users.insert reference: "Mutate calls immediately following user creation might sometimes fail …
  // Check the error details for the \"User creation is not complete\" message"; seen as HTTP 412.
  if (status === 412 || /user creation is not complete/i.test(provider.message)) return retryable('propagating', provider, retryAfter);
  if (reason !== undefined && throttleReasons.includes(reason)) return retryable('throttled', provider, retryAfter);
  if (reason === 'backendError') return retryable('server', provider, retryAfter);
  if (reason !== undefined && consentReasons.includes(reason)) return authFailed(provider);
  if (status === 400 && facts.carriedPassword && /password/i.test(provider.message)) return permanent('policy-rejected', provider);
  return classifyHttpStatus(status, provider, retryAfter);
};
