// Shared by the JSON routes: the JSON-only rule, turning an app outcome into a response, and the
// per-address rate limit on the routes that take a password.
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { Problem } from '../../app/hostApp.js';
import { invalid, ProblemError, sendProblem } from '../problem.js';

/** A decoder from src/app/inputs.ts. */
export type Decoder<T> = (body: unknown) => E.Either<Problem, T>;

/** Decodes a body or throws the `invalid` problem (turned into a 400 by the server's error handler). */
export const decodeOrThrow = <T>(decode: Decoder<T>, body: unknown): T => {
  const decoded = decode(body ?? {});
  if (E.isLeft(decoded)) throw new ProblemError(decoded.left);
  return decoded.right;
};

/** Sends `value` with `status`, or the problem with its own status. */
export const respond = <T>(reply: FastifyReply, outcome: E.Either<Problem, T>, status = 200): FastifyReply =>
  E.isLeft(outcome) ? sendProblem(reply, outcome.left) : reply.code(status).send(outcome.right);

/** The media type of a request without parameters, lower case (`application/json`), or undefined. */
export const mediaTypeOf = (request: FastifyRequest): string | undefined => {
  const header = request.headers['content-type'];
  if (typeof header !== 'string') return undefined;
  const type = header.split(';', 1)[0]?.trim().toLowerCase();
  return type === '' ? undefined : type;
};

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * onRequest hook: a request that carries a body (POST, PUT, PATCH) must say `application/json`;
 * anything else is 415 before the body is read. Routes with `config: { bodyless: true }` are exempt.
 */
export const jsonOnly: onRequestHookHandler = (request, reply, done) => {
  const config = request.routeOptions.config as { readonly bodyless?: boolean };
  if (!BODY_METHODS.has(request.method) || config.bodyless === true || mediaTypeOf(request) === 'application/json') {
    done();
    return;
  }
  void sendProblem(reply, invalid('content-type', 'this endpoint accepts application/json only'), 415);
};

/** The caller's address for throttling (`request.ip`; set `trustProxy` behind a proxy). */
export const addressOf = (request: FastifyRequest): string => request.ip;

/** Route options for a route that takes a password: the per-address rate limit (@fastify/rate-limit). */
export interface AuthRateLimit {
  /** Requests per window per address (default 30). */
  readonly max: number;
  /** The window in milliseconds (default 60 000). */
  readonly timeWindowMs: number;
}

export const DEFAULT_AUTH_RATE_LIMIT: AuthRateLimit = { max: 30, timeWindowMs: 60_000 };

/** `config` for a route under the per-address limit: `{ config: rateLimited(limit) }`. */
export const rateLimited = (limit: AuthRateLimit) => ({ rateLimit: { max: limit.max, timeWindow: limit.timeWindowMs } });

/** The JSON 404 for a path no route matches (under /api, /portal/api, /demo, or any non-HTML request). */
export const sendRouteNotFound = (request: FastifyRequest, reply: FastifyReply): FastifyReply =>
  reply
    .code(404)
    .type('application/json; charset=utf-8')
    .send({
      error: {
        kind: 'not-found',
        reason: `no route ${request.method} ${JSON.stringify((request.url.split('?', 1)[0] ?? '').slice(0, 200))}`,
      },
    });
