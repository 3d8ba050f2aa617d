import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { reveal } from '@takeover/core';
import type { Secret } from '@takeover/core';
import type { ConnectorError } from '@takeover/connector-kit';
import type * as t from 'io-ts';
import { PathReporter } from 'io-ts/lib/PathReporter.js';
import { classifyNoResponse, parseRetryAfter, permanent, scrubText, silentLogger } from '@takeover/connector-kit';
import type { ScimConnectorConfig } from './config.js';
import { fromScimError } from './errors.js';

export interface ScimRequest {
  readonly method: 'GET' | 'POST' | 'PATCH';
  /** Relative to the base URL, e.g. `/Users/2819c223`. */
  readonly path: string;
  readonly body?: unknown;
  /** The secrets in `body` (a password): scrubbed from whatever the server says back. */
  readonly secrets?: ReadonlyArray<Secret | undefined>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The one place the connector talks HTTP: one attempt (no retries: the engine retries), a timeout,
 * the bearer token, and every outcome turned into a value. Logs method, path and status only.
 */
export const scimRequest =
  (config: ScimConnectorConfig) =>
  (req: ScimRequest): TaskEither<ConnectorError, unknown> =>
  async () => {
    const log = config.logger ?? silentLogger;
    const secrets = [...(req.secrets ?? []), config.bearerToken];
    const url = `${config.baseUrl.replace(/\/+$/, '')}${req.path}`;
    try {
      const res = await (config.fetch ?? fetch)(url, {
        method: req.method,
        headers: {
          authorization: `Bearer ${reveal(config.bearerToken)}`,
          accept: 'application/scim+json',
          ...(req.body === undefined ? {} : { 'content-type': 'application/scim+json' }),
        },
        ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
        signal: AbortSignal.timeout(config.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
      const text = await res.text();
      log.debug('scim request', { method: req.method, path: req.path.replace(/\?.*$/, ''), status: res.status });
      let body: unknown = undefined;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = undefined;
      }
      if (!res.ok) {
        const carriedPassword = (req.secrets ?? []).some((s) => s !== undefined);
        return E.left(fromScimError(res.status, body, parseRetryAfter(res.headers.get('retry-after')), { carriedPassword, secrets }));
      }
      return E.right(body);
    } catch (thrown) {
      const e = classifyNoResponse(thrown);
      log.warn('scim request got no response', { method: req.method, path: req.path.replace(/\?.*$/, ''), code: e.provider.code });
      return E.left(e);
    }
  };

/** Decodes a success body at the edge; a body that does not fit is the provider's fault, reported as `invalid`. */
export const decodeBody =
  <A>(codec: t.Decoder<unknown, A>, secrets: ReadonlyArray<Secret | undefined> = []) =>
  (body: unknown): E.Either<ConnectorError, A> => {
    const decoded = codec.decode(body);
    return E.isRight(decoded)
      ? E.right(decoded.right)
      : E.left(
          permanent('invalid', {
            code: 'unexpected-response',
            message: scrubText(PathReporter.report(decoded).join('; '), secrets).slice(0, 500),
          }),
        );
  };
