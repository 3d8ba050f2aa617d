// The host's HTTP server: Fastify 5 with its well-kept plugins, the JSON API, the operations
// endpoints and the pages. `buildServer(app)` returns the server ready but not listening;
// `main.ts` and the test harness call `listen`.
//
// For the pages (src/http/pages): the plugins below are registered before `registerPages` is
// called, so `reply.generateCsrf()`, `server.csrfProtection`, the cookie helpers
// (src/http/cookies.ts) and `server.authRateLimit` (route `config` for the per-address limit on
// form logins) are there. The root error handler answers JSON; set your own error and not-found
// handlers inside your own (encapsulated) plugins for HTML. If registerPages sets no root not-found
// handler, buildServer sets one: JSON for API paths and non-HTML requests, a plain HTML page otherwise.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { fastifyCookie } from '@fastify/cookie';
import { fastifyCsrfProtection } from '@fastify/csrf-protection';
import { fastifyFormbody } from '@fastify/formbody';
import { fastifyHelmet } from '@fastify/helmet';
import { fastifyRateLimit } from '@fastify/rate-limit';
import { fastify, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { HostApp, Problem } from '../app/hostApp.js';
import { registerAdminApi } from './api/admin.js';
import { DEFAULT_AUTH_RATE_LIMIT, rateLimited, sendRouteNotFound, type AuthRateLimit } from './api/common.js';
import { registerDemoApi } from './api/demo.js';
import { registerOps } from './api/ops.js';
import { registerPortalApi } from './api/portal.js';
import { registerPages } from './pages/index.js';
import { isProblemError, sendProblem } from './problem.js';
import { requireAudiences } from './sessions.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Route `config` that puts a route under the per-address limit for routes that take a password: `{ config: server.authRateLimit }`. */
    readonly authRateLimit: { readonly rateLimit: { readonly max: number; readonly timeWindow: number } };
  }
}

export interface BuildServerOptions {
  /** The per-address limit on routes that take a password (default 30 a minute). */
  readonly authRateLimit?: AuthRateLimit;
  /** Largest request body in bytes (default 64 KiB). */
  readonly bodyLimit?: number;
  /** Fastify's `trustProxy` (default false; `TRUST_PROXY`): true, a hop count, or proxy addresses, so behind a reverse proxy `request.ip` is the client's. */
  readonly trustProxy?: boolean | number | string;
}

export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** The JSON prefixes: unknown paths and errors under them always answer JSON. */
const API_PREFIXES = ['/api/', '/portal/api/', '/demo/'];
const isApiPath = (url: string): boolean => {
  const path = url.split('?', 1)[0] ?? '';
  return API_PREFIXES.some((p) => path.startsWith(p) || path === p.slice(0, -1)) || ['/healthz', '/readyz', '/metrics'].includes(path);
};

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * pino's request serializer for the server's logs: method, the path without its query string
 * (an activation link's token is a credential), the address. Never headers (authorization, cookie)
 * nor bodies.
 */
const requestSerializer = (req: FastifyRequest | IncomingMessage) => {
  const url = req.url ?? '';
  const queryAt = url.indexOf('?');
  return {
    method: req.method,
    url: queryAt === -1 ? url : `${url.slice(0, queryAt)}?[redacted]`,
    remoteAddress: 'ip' in req ? req.ip : req.socket.remoteAddress,
  };
};

/**
 * Fastify's own 4xx errors (bad JSON, wrong content type, too large, CSRF, rate limit) → a Problem;
 * `status` only where the answer is not the problem's own status (`statusOf`). Never echoes the input.
 */
const clientErrorOf = (error: FastifyError, bodyLimit: number): { readonly problem: Problem; readonly status?: number } => {
  const status = error.statusCode ?? 400;
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { problem: { kind: 'invalid', field: 'body', reason: 'the body is not valid JSON' } };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { problem: { kind: 'invalid', field: 'body', reason: 'the body is empty; send a JSON object' } };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, problem: { kind: 'invalid', field: 'body', reason: `the body is larger than ${String(bodyLimit)} bytes` } };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { problem: { kind: 'invalid', field: 'content-length', reason: 'the body does not match its Content-Length' } };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        problem: { kind: 'invalid', field: 'content-type', reason: 'unsupported content type; send application/json' },
      };
    case 'FST_ERR_BAD_URL':
      return { problem: { kind: 'invalid', field: 'url', reason: 'the URL is not well formed' } };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { status: 404, problem: { kind: 'invalid', field: 'url', reason: 'a path segment is too long' } };
    case 'FST_CSRF_MISSING_SECRET':
    case 'FST_CSRF_INVALID_TOKEN':
      return { problem: { kind: 'forbidden', reason: 'missing or invalid CSRF token; reload the form and try again' } };
    default:
      break;
  }
  if (status === 401) return { problem: { kind: 'unauthorized' } };
  if (status === 403) return { problem: { kind: 'forbidden', reason: 'forbidden' } };
  if (status === 429) return { problem: { kind: 'throttled', retryAfterSeconds: 60 } };
  return { status, problem: { kind: 'invalid', field: 'request', reason: `the request was refused (${String(status)})` } };
};

const sendClientError = (reply: FastifyReply, error: FastifyError, bodyLimit: number): FastifyReply => {
  const { status, problem } = clientErrorOf(error, bodyLimit);
  return status === undefined ? sendProblem(reply, problem) : sendProblem(reply, problem, status);
};

const HTML_NOT_FOUND =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title></head><body><h1>Not found</h1><p>There is nothing at this address. <a href="/">Home</a></p></body></html>';

const acceptsHtml = (request: FastifyRequest): boolean => {
  const accept = request.headers.accept;
  return typeof accept === 'string' && accept.includes('text/html');
};

/** Builds the host's server for `app` (not listening). */
export const buildServer = async (app: HostApp, options: BuildServerOptions = {}): Promise<FastifyInstance> => {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const authLimit = options.authRateLimit ?? DEFAULT_AUTH_RATE_LIMIT;
  const https = app.settings.publicUrl.toLowerCase().startsWith('https:');

  // A child of the app's logger whose request serializer wins over Fastify's (see requestSerializer).
  const loggerInstance: FastifyBaseLogger = app.logger.child({}, { serializers: { req: requestSerializer } });
  const trust = options.trustProxy ?? false;
  const server: FastifyInstance = fastify({
    loggerInstance,
    bodyLimit,
    // A hop count trusts that many proxies nearest to us.
    trustProxy: typeof trust === 'number' ? (_address: string, hop: number) => hop < trust : trust,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { maxParamLength: 200 },
    // Bad URLs and other errors found before routing: the same JSON shape.
    frameworkErrors: (error, _request, reply) => {
      void sendClientError(reply, error, bodyLimit);
    },
  });

  // Every route belongs to an audience (src/http/sessions.ts); `ready()` fails for one that does not.
  requireAudiences(server);

  let closing = false;
  server.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  server.addHook('onSend', async (request, reply, payload) => {
    void reply.header('x-request-id', request.id);
    return payload;
  });

  await server.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    // HSTS only when the host is served over TLS.
    strictTransportSecurity: https ? { maxAge: 15_552_000, includeSubDomains: false } : false,
  });
  await server.register(fastifyCookie, { secret: app.settings.cookieSecret, hook: 'onRequest' });
  await server.register(fastifyFormbody, { bodyLimit });
  await server.register(fastifyCsrfProtection, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: '_csrf',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: https, signed: true },
  });
  await server.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => {
      // A thrown Problem: the error handler answers 429 with Retry-After.
      const error = Object.assign(new Error('throttled'), {
        _tag: 'ProblemError',
        statusCode: context.statusCode,
        problem: { kind: 'throttled', retryAfterSeconds: Math.max(1, Math.ceil(context.ttl / 1000)) } satisfies Problem,
      });
      return error;
    },
  });
  server.decorate('authRateLimit', rateLimited(authLimit));

  server.setErrorHandler((error: FastifyError, request, reply) => {
    if (isProblemError(error)) return sendProblem(reply, error.problem);
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      // Logged without the message: a parser's message could quote the body.
      request.log.info({ code: error.code, statusCode: status }, 'request refused');
      return sendClientError(reply, error, bodyLimit);
    }
    request.log.error({ err: error }, 'request failed');
    return reply
      .code(500)
      .type('application/json; charset=utf-8')
      .send({ error: { kind: 'internal', reason: `internal error; the log has the details under request id ${request.id}` } });
  });

  registerOps(server, app, () => closing);
  await registerAdminApi(server, app);
  await registerPortalApi(server, app, authLimit);
  await registerDemoApi(server, app, authLimit);
  await registerPages(server, app);

  try {
    server.setNotFoundHandler((request, reply) => {
      if (!isApiPath(request.url) && acceptsHtml(request)) return reply.code(404).type('text/html; charset=utf-8').send(HTML_NOT_FOUND);
      return sendRouteNotFound(request, reply);
    });
  } catch {
    // registerPages set the root not-found handler: theirs answers HTML paths; the API prefixes have their own.
  }
  return server;
};
