import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type * as t from 'io-ts';
import { PathReporter } from 'io-ts/lib/PathReporter.js';
import type { ConnectorError, ConnectorLogger } from '@takeover/connector-kit';
import { classifyNoResponse, parseRetryAfter, permanent, scrubText } from '@takeover/connector-kit';
import type { GoogleRequestFacts } from './errors.js';
import { fromGoogleResponse } from './errors.js';

/** What every Directory API call is given: one attempt (the engine retries) and a bounded wait. */
export interface GoogleCallOptions {
  readonly retry: false;
  readonly timeout: number;
}

const record = (u: unknown): Record<string, unknown> | undefined =>
  typeof u === 'object' && u !== null ? (u as Record<string, unknown>) : undefined;

const header = (headers: unknown, name: string): string | undefined => {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = record(headers)?.[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * Reads what a rejected client call carries: a GaxiosError with `response` ({status, data, headers})
 * when Google answered, without one when it did not. Only those fields are read: the error's
 * `config` holds the request body (the password) and is never touched, logged or kept.
 */
export const fromThrown = (thrown: unknown, facts: GoogleRequestFacts): ConnectorError => {
  const response = record(record(thrown)?.['response']);
  const status = response?.['status'];
  if (typeof status !== 'number') return classifyNoResponse(thrown);
  return fromGoogleResponse(status, response?.['data'], parseRetryAfter(header(response?.['headers'], 'retry-after')), facts);
};

export interface GoogleCall<A> {
  /** For the log: `users.update`, `users.signOut`, … */
  readonly operation: string;
  readonly run: (options: GoogleCallOptions) => Promise<{ readonly status: number; readonly data: unknown }>;
  readonly decode: t.Decoder<unknown, A>;
  readonly facts?: GoogleRequestFacts;
}

/** The one place a googleapis promise is awaited: every outcome becomes a value, the body is decoded at the edge. */
export const googleCall =
  (logger: ConnectorLogger, timeout: number) =>
  <A>(call: GoogleCall<A>): TaskEither<ConnectorError, A> =>
  async () => {
    const facts = call.facts ?? { carriedPassword: false, secrets: [] };
    try {
      const res = await call.run({ retry: false, timeout });
      logger.debug('google request', { operation: call.operation, status: res.status });
      const decoded = call.decode.decode(res.data);
      return E.isRight(decoded)
        ? decoded
        : E.left(
            permanent('invalid', {
              status: res.status,
              code: 'unexpected-response',
              message: scrubText(PathReporter.report(decoded).join('; '), facts.secrets).slice(0, 500),
            }),
          );
    } catch (thrown) {
      const e = fromThrown(thrown, facts);
      logger.warn('google request failed', { operation: call.operation, status: e.provider.status, code: e.provider.code });
      return E.left(e);
    }
  };
