/**
 * The connector error taxonomy. Every provider failure maps to exactly one of three tagged values,
 * and the engine decides what to do from the tag alone:
 *
 * - `retryable`: try again later, with backoff (throttled, a 5xx, a timeout, a dropped connection,
 *   an account still being created).
 *   `retryAfter` (milliseconds) is present only when the provider said how long to wait.
 * - `permanent`: trying again changes nothing until something else changes (the user is gone, the
 *   password breaks the directory's policy, the app may not touch this user, the request is bad).
 * - `auth`: the connector's own credentials or consent are broken; an admin must act, and every
 *   push to this directory will fail the same way until they do.
 *
 * Each keeps what the provider said (`provider`) so the admin can act on it. That text must never
 * contain the password: build it with `scrubProvider` (scrub.ts) when a request carried a secret.
 */

/** What the provider said, for the admin's eyes. Never the password. */
export interface ProviderDetail {
  /** HTTP status, when there was a response. */
  readonly status?: number;
  /** The provider's own error code or reason (`notFound`, `Request_BadRequest`, `invalidValue`, `ECONNRESET`). */
  readonly code?: string;
  readonly message: string;
}

/**
 * `propagating`: the directory has not finished creating or replicating the account (Google's 412
 * "User creation is not complete"; a 404 right after the engine created or linked it).
 */
export type RetryableReason = 'throttled' | 'server' | 'timeout' | 'connection' | 'propagating';
export type PermanentReason = 'not-found' | 'policy-rejected' | 'forbidden' | 'invalid';

export interface RetryableError {
  readonly _tag: 'retryable';
  readonly reason: RetryableReason;
  /** Milliseconds to wait, only when the provider said so (`Retry-After`). */
  readonly retryAfter?: number;
  readonly provider: ProviderDetail;
}

export interface PermanentError {
  readonly _tag: 'permanent';
  readonly reason: PermanentReason;
  readonly provider: ProviderDetail;
}

export interface AuthError {
  readonly _tag: 'auth';
  readonly provider: ProviderDetail;
}

export type ConnectorError = RetryableError | PermanentError | AuthError;

export const retryable = (reason: RetryableReason, provider: ProviderDetail, retryAfter?: number): RetryableError =>
  retryAfter === undefined ? { _tag: 'retryable', reason, provider } : { _tag: 'retryable', reason, provider, retryAfter };

export const permanent = (reason: PermanentReason, provider: ProviderDetail): PermanentError => ({ _tag: 'permanent', reason, provider });

export const authFailed = (provider: ProviderDetail): AuthError => ({ _tag: 'auth', provider });

const retryableReasons: ReadonlyArray<string> = ['throttled', 'server', 'timeout', 'connection', 'propagating'];
const permanentReasons: ReadonlyArray<string> = ['not-found', 'policy-rejected', 'forbidden', 'invalid'];

const hasProvider = (u: Record<string, unknown>): boolean =>
  typeof u['provider'] === 'object' && u['provider'] !== null && typeof (u['provider'] as Record<string, unknown>)['message'] === 'string';

const record = (u: unknown): Record<string, unknown> | undefined =>
  typeof u === 'object' && u !== null ? (u as Record<string, unknown>) : undefined;

/** Structural guards: they survive duplicate copies of this package (no `instanceof`). */
export const isRetryable = (u: unknown): u is RetryableError => {
  const r = record(u);
  return (
    r?.['_tag'] === 'retryable' &&
    retryableReasons.includes(r['reason'] as string) &&
    hasProvider(r) &&
    (r['retryAfter'] === undefined || (typeof r['retryAfter'] === 'number' && r['retryAfter'] >= 0))
  );
};

export const isPermanent = (u: unknown): u is PermanentError => {
  const r = record(u);
  return r?.['_tag'] === 'permanent' && permanentReasons.includes(r['reason'] as string) && hasProvider(r);
};

export const isAuthError = (u: unknown): u is AuthError => {
  const r = record(u);
  return r?.['_tag'] === 'auth' && hasProvider(r);
};

export const isConnectorError = (u: unknown): u is ConnectorError => isRetryable(u) || isPermanent(u) || isAuthError(u);

/** One line for an admin screen or a log: `permanent/not-found (404 notFound): Resource Not Found: userKey`. */
export const describeConnectorError = (e: ConnectorError): string => {
  const kind = e._tag === 'auth' ? 'auth' : `${e._tag}/${e.reason}`;
  const origin = [e.provider.status, e.provider.code].filter((x) => x !== undefined).join(' ');
  const wait = e._tag === 'retryable' && e.retryAfter !== undefined ? ` (retry after ${e.retryAfter} ms)` : '';
  return `${kind}${origin === '' ? '' : ` (${origin})`}: ${e.provider.message}${wait}`;
};
