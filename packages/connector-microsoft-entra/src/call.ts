import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type * as t from 'io-ts';
import { PathReporter } from 'io-ts/lib/PathReporter.js';
import type { ConnectorError, ConnectorLogger } from '@takeover/connector-kit';
import { authFailed, classifyNoResponse, parseRetryAfter, permanent, retryable, scrubText } from '@takeover/connector-kit';
import type { GraphRequestFacts } from './errors.js';
import { fromGraphAnswer } from './errors.js';

const record = (u: unknown): Record<string, unknown> | undefined =>
  typeof u === 'object' && u !== null ? (u as Record<string, unknown>) : undefined;
const text = (u: unknown): string | undefined => (typeof u === 'string' && u.length > 0 ? u : undefined);

/** @azure/identity's failures, as the Graph client's GraphError names them (`code` = the error's name). */
const credentialErrors: ReadonlyArray<string> = ['AuthenticationError', 'CredentialUnavailableError', 'AuthenticationRequiredError'];

/**
 * Reads a rejected Graph client call (a GraphError: `statusCode`, `code`, `message`, `headers`).
 * `statusCode` -1 means no HTTP answer: a credential failure, a timeout or a broken connection.
 */
export const fromThrown = (thrown: unknown, facts: GraphRequestFacts): ConnectorError => {
  const r = record(thrown);
  const status = r?.['statusCode'];
  const code = text(r?.['code']);
  const message = text(r?.['message']) ?? text(r?.['body']) ?? `HTTP ${String(status)}`;
  if (typeof status === 'number' && status > 0) {
    const headers = r?.['headers'];
    const retryAfter = headers instanceof Headers ? parseRetryAfter(headers.get('retry-after')) : undefined;
    return fromGraphAnswer({ status, ...(code === undefined ? {} : { code }), message }, retryAfter, facts);
  }
  if (code !== undefined && credentialErrors.includes(code)) {
    // The token request failed: AADSTS codes and `invalid_client` live in the body text.
    const detail = text(r?.['body']) ?? message;
    return authFailed({ code, message: scrubText(detail, facts.secrets).slice(0, 500) });
  }
  return classifyNoResponse(thrown);
};

export interface GraphCall<A> {
  /** For the log: `PATCH /users/{id}`, … (never a body) */
  readonly operation: string;
  readonly run: (signal: AbortSignal) => Promise<unknown>;
  readonly decode: t.Decoder<unknown, A>;
  readonly facts?: GraphRequestFacts;
}

/** The one place a Graph client promise is awaited: a timeout, every outcome a value, the body decoded at the edge. */
export const graphCall =
  (logger: ConnectorLogger, timeoutMs: number) =>
  <A>(call: GraphCall<A>): TaskEither<ConnectorError, A> =>
  async () => {
    const facts = call.facts ?? { carriedPassword: false, secrets: [] };
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const body = await call.run(signal);
      logger.debug('graph request', { operation: call.operation, ok: true });
      const decoded = call.decode.decode(body);
      return E.isRight(decoded)
        ? decoded
        : E.left(
            permanent('invalid', {
              code: 'unexpected-response',
              message: scrubText(PathReporter.report(decoded).join('; '), facts.secrets).slice(0, 500),
            }),
          );
    } catch (thrown) {
      // The Graph client rewraps fetch's abort as a plain Error: our own signal says it was the timeout.
      const e = signal.aborted
        ? retryable('timeout', { code: 'TimeoutError', message: `no answer within ${timeoutMs} ms` })
        : fromThrown(thrown, facts);
      logger.warn('graph request failed', { operation: call.operation, status: e.provider.status, code: e.provider.code });
      return E.left(e);
    }
  };
