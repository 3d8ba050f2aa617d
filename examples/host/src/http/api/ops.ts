// Operations endpoints: /healthz (the process answers), /readyz (the app's own checks; 503 when not
// ready or shutting down), /metrics (prom-client: the app's registry plus the HTTP request histogram).
import type { FastifyInstance } from 'fastify';
import { Histogram } from 'prom-client';
import type { HostApp } from '../../app/hostApp.js';

export const HTTP_DURATION_METRIC = 'takeover_http_request_duration_seconds';

/** The histogram in the app's registry (one per registry, shared when two servers use one app). */
const durationHistogram = (app: HostApp): Histogram<'method' | 'route' | 'status_code'> => {
  const existing = app.metrics.getSingleMetric(HTTP_DURATION_METRIC);
  if (existing !== undefined) return existing as Histogram<'method' | 'route' | 'status_code'>;
  return new Histogram({
    name: HTTP_DURATION_METRIC,
    help: 'HTTP request duration in seconds, by method, route pattern (never the URL) and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [app.metrics],
  });
};

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export const registerOps = (server: FastifyInstance, app: HostApp, isClosing: () => boolean): void => {
  const histogram = durationHistogram(app);
  server.addHook('onResponse', async (request, reply) => {
    // The route pattern (`/api/users/:id`), never the URL: ids and query strings stay out of labels.
    const route = request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched');
    const method = KNOWN_METHODS.has(request.method) ? request.method : 'OTHER';
    histogram.observe({ method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  // Probes and scrapes come every few seconds: their requests are not logged unless something goes wrong.
  const quiet = { logLevel: 'warn', config: { audience: 'public' } } as const;
  server.get('/healthz', quiet, async (_request, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' }));

  server.get('/readyz', quiet, async (_request, reply) => {
    void reply.header('cache-control', 'no-store');
    if (isClosing())
      return reply
        .code(503)
        .send({ ready: false, checks: [{ name: 'server', ok: false, detail: 'shutting down' }], pausedDirectories: [] });
    const readiness = await app.ready().catch((e: unknown) => {
      // The details go to the log, not to whoever asks /readyz.
      app.logger.warn({ err: e }, 'readiness check failed');
      return {
        ready: false,
        checks: [{ name: 'app', ok: false, detail: 'the readiness check failed; see the log' }],
        pausedDirectories: [],
      };
    });
    return reply.code(readiness.ready ? 200 : 503).send(readiness);
  });

  server.get('/metrics', quiet, async (_request, reply) =>
    reply
      .header('cache-control', 'no-store')
      .type(app.metrics.contentType)
      .send(await app.metrics.metrics()),
  );
};
