// The HTTP side shared by both emulators, on Fastify 5 (the project's server framework). Bodies are
// taken raw (one catch-all content-type parser) so each provider answers malformed JSON with its own
// error envelope instead of Fastify's; hooks count requests, apply injected faults and log one line
// per request (method, path, status: never a body, so never a password).
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FaultRegistry, FaultSpec } from './faults.js';
import { errorReason } from './requestStats.js';
import type { RequestStats } from './requestStats.js';

export interface ProviderReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type LogSink = (line: string) => void;

export interface ServerOptions {
  readonly tls?: { readonly key: string; readonly cert: string };
  readonly log?: LogSink;
}

export const ADMIN_PREFIX = '/__admin';

export const createServer = (options: ServerOptions): FastifyInstance => {
  const app = (options.tls === undefined
    ? Fastify({ logger: false, forceCloseConnections: true })
    : Fastify({
        logger: false,
        forceCloseConnections: true,
        https: { key: options.tls.key, cert: options.tls.cert },
      })) as unknown as FastifyInstance;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    done(null, body);
  });
  const log = options.log;
  if (log !== undefined) {
    app.addHook('onResponse', async (req, reply) => {
      log(`${req.method} ${req.url.split('?')[0] ?? ''} ${reply.statusCode} ${Math.round(reply.elapsedTime)}ms`);
    });
  }
  return app;
};

export const send = (reply: FastifyReply, r: ProviderReply): FastifyReply => {
  void reply.code(r.status);
  for (const [k, v] of Object.entries(r.headers ?? {})) void reply.header(k, v);
  if (r.body === undefined) return reply.send();
  return reply.type('application/json; charset=UTF-8').send(JSON.stringify(r.body));
};

export const decodedPath = (req: FastifyRequest): string => {
  const raw = req.url.split('?')[0] ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
};

export const routeKey = (req: FastifyRequest): string => `${req.method} ${req.routeOptions.url ?? decodedPath(req)}`;

export interface ApiHooks {
  readonly faults: FaultRegistry;
  readonly stats: RequestStats;
  /** The provider's answer for an injected failure. */
  readonly renderFault: (fault: FaultSpec & { readonly status: number }, req: FastifyRequest) => ProviderReply;
  /** Called after a request may have changed the state and before its answer leaves; the answer waits for a returned promise (see the emulators' `onChange`). */
  readonly onChange?: () => void | Promise<void>;
  /** The password a request tries to set (from its parsed body), for faults with `echoPassword`. */
  readonly submittedPassword: (req: FastifyRequest) => string | undefined;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Counts every API request and applies injected faults before routing goes further (or, for `answerAfterMs`/`dropAnswer`, after the route applied the change). */
export const installApiHooks = (app: FastifyInstance, hooks: ApiHooks): void => {
  const afterServing = new WeakMap<FastifyRequest, FaultSpec>();
  const onChange = hooks.onChange;
  if (onChange !== undefined) {
    // Before the answer is sent: whoever keeps the state (a host writing it to disk) has it before the caller learns of the change.
    app.addHook('onSend', async (req, reply, payload) => {
      if (
        WRITES.has(req.method) &&
        reply.statusCode < 400 &&
        !decodedPath(req).startsWith(ADMIN_PREFIX) &&
        !/token/i.test(decodedPath(req))
      )
        await onChange();
      return payload;
    });
  }
  // Echoing faults answer once the body is read (preHandler), since they quote it.
  const echoing = new WeakMap<FastifyRequest, FaultSpec & { readonly status: number }>();
  app.addHook('preHandler', async (req, reply) => {
    const fault = echoing.get(req);
    if (fault === undefined) return;
    const password = hooks.submittedPassword(req);
    const message = password === undefined ? fault.message : `${fault.message ?? 'Invalid password'}: "${password}"`;
    return send(reply, hooks.renderFault({ ...fault, ...(message === undefined ? {} : { message }) }, req));
  });
  app.addHook('onSend', async (req, reply, payload) => {
    if (reply.statusCode >= 400 && !decodedPath(req).startsWith(ADMIN_PREFIX)) {
      hooks.stats.answered({ at: Date.now(), route: routeKey(req), status: reply.statusCode, reason: errorReason(payload) });
    }
    const fault = afterServing.get(req);
    if (fault === undefined) return payload;
    // Unref: a held answer never keeps a process (a test run) alive after the emulator closed.
    if (fault.answerAfterMs !== undefined && fault.answerAfterMs > 0) await sleep(fault.answerAfterMs, undefined, { ref: false });
    if (fault.dropAnswer === true) req.raw.socket.destroy();
    return payload;
  });
  app.addHook('onRequest', async (req, reply) => {
    const path = decodedPath(req);
    if (path.startsWith(ADMIN_PREFIX)) return;
    hooks.stats.count(routeKey(req));
    const fault = hooks.faults.take(req.method, path);
    if (fault === undefined) return;
    if (fault.answerAfterMs !== undefined || fault.dropAnswer === true) {
      afterServing.set(req, fault);
      return;
    }
    if (fault.latencyMs !== undefined && fault.latencyMs > 0) await sleep(fault.latencyMs);
    if (fault.drop === true) {
      reply.hijack();
      req.raw.socket.destroy();
      return reply;
    }
    if (fault.status !== undefined && fault.echoPassword === true) {
      echoing.set(req, { ...fault, status: fault.status });
      return;
    }
    if (fault.status !== undefined) return send(reply, hooks.renderFault({ ...fault, status: fault.status }, req));
    return;
  });
};

export const listen = async (app: FastifyInstance, host: string, port: number): Promise<number> => {
  await app.listen({ host, port });
  const addr = app.server.address();
  if (addr === null || typeof addr === 'string') throw new Error('emulator: server has no TCP address');
  return addr.port;
};

/** The request body as the raw string the catch-all parser kept (undefined when there was none). */
export const rawBody = (req: FastifyRequest): string | undefined =>
  typeof req.body === 'string' && req.body.length > 0 ? req.body : undefined;

export type JsonParse = { readonly _tag: 'Empty' } | { readonly _tag: 'Malformed' } | { readonly _tag: 'Parsed'; readonly value: unknown };

export const parseJson = (req: FastifyRequest): JsonParse => {
  const body = rawBody(req);
  if (body === undefined) return { _tag: 'Empty' };
  try {
    return { _tag: 'Parsed', value: JSON.parse(body) as unknown };
  } catch {
    return { _tag: 'Malformed' };
  }
};

export const parseForm = (req: FastifyRequest): Readonly<Record<string, string>> =>
  Object.fromEntries(new URLSearchParams(rawBody(req) ?? ''));

export const bearer = (req: FastifyRequest): string | undefined => {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  return m?.[1];
};
