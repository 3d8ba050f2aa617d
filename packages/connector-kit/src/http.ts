import type { ConnectorError, ProviderDetail } from './errors.js';
import { authFailed, permanent, retryable } from './errors.js';

/**
 * `Retry-After` in milliseconds: delta-seconds (`"7"`) or an HTTP date, measured from `now`.
 * Undefined when absent or unreadable: a connector never invents a wait.
 */
export const parseRetryAfter = (header: string | null | undefined, now: number = Date.now()): number | undefined => {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
};

/**
 * The default reading of an HTTP status. Connectors refine it where their provider says more than
 * the status does (Google's 403 `userRateLimitExceeded` is throttling, a 400 on a password is a
 * policy rejection), and fall back to this for the rest.
 */
export const classifyHttpStatus = (status: number, provider: ProviderDetail, retryAfter?: number): ConnectorError => {
  if (status === 401) return authFailed(provider);
  if (status === 403) return permanent('forbidden', provider);
  if (status === 404 || status === 410) return permanent('not-found', provider);
  if (status === 408 || status === 504) return retryable('timeout', provider, retryAfter);
  if (status === 429) return retryable('throttled', provider, retryAfter);
  if (status >= 500) return retryable('server', provider, retryAfter);
  return permanent('invalid', provider);
};

const codesOf = (u: unknown): ReadonlyArray<string> => {
  const codes: string[] = [];
  for (let e: unknown = u, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    const r = e as Record<string, unknown>;
    for (const k of ['name', 'code']) if (typeof r[k] === 'string') codes.push(r[k]);
    e = r['cause'];
  }
  return codes;
};

const timeoutCodes = [
  'AbortError',
  'TimeoutError',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
];

/**
 * A request that got no HTTP response (fetch rejected, a socket error): a timeout or a broken
 * connection, both retryable. Looks through `cause` chains (undici wraps the socket error).
 * The message is the error's code, never its text, which may quote a request body.
 */
export const classifyNoResponse = (thrown: unknown): ConnectorError => {
  const codes = codesOf(thrown);
  const timeout = codes.find((c) => timeoutCodes.includes(c));
  if (timeout !== undefined) return retryable('timeout', { code: timeout, message: 'the request timed out' });
  const code = codes.find((c) => /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(c)) ?? codes[0] ?? 'unknown';
  return retryable('connection', { code, message: 'no response: the connection failed' });
};
