import type { Secret } from '@takeover/core';
import type { ConnectorError } from '@takeover/connector-kit';
import { authFailed, classifyHttpStatus, permanent, retryable, scrubProvider } from '@takeover/connector-kit';

export interface GraphRequestFacts {
  /** The request set `passwordProfile`: a 400 about the password is a policy rejection. */
  readonly carriedPassword: boolean;
  /** Scrubbed from everything Graph said. */
  readonly secrets: ReadonlyArray<Secret | undefined>;
}

/** What Graph said: the HTTP status and the envelope's `error.code` / `error.message`. */
export interface GraphAnswer {
  readonly status: number;
  readonly code?: string;
  readonly message: string;
}

/**
 * A Graph error answer as exactly one ConnectorError (reference/directory-apis.md):
 * 429 → throttled (Retry-After carried); 503/504 and other 5xx → server; 401, `invalid_client`
 * and AADSTS token errors → auth; 403 `Authorization_RequestDenied` → forbidden; 404
 * `Request_ResourceNotFound` → not-found; 400 `Request_BadRequest` about the password, on a request
 * that set one → policy-rejected; anything else → the kit's reading of the status.
 */
export const fromGraphAnswer = (answer: GraphAnswer, retryAfter: number | undefined, facts: GraphRequestFacts): ConnectorError => {
  const provider = scrubProvider(
    { status: answer.status, ...(answer.code === undefined ? {} : { code: answer.code }), message: answer.message },
    facts.secrets,
  );
  const { status, code } = answer;
  if (status === 429) return retryable('throttled', provider, retryAfter);
  if (status === 503 || status === 504) return retryable('server', provider, retryAfter);
  if (status === 401 || code === 'invalid_client' || code === 'unauthorized_client' || /\bAADSTS\d+/.test(answer.message))
    return authFailed(provider);
  if (
    status === 400 &&
    facts.carriedPassword &&
    (code === 'Request_BadRequest' || code === undefined) &&
    /password/i.test(answer.message)
  ) {
    return permanent('policy-rejected', provider);
  }
  return classifyHttpStatus(status, provider, retryAfter);
};
