// The admin API's rollout overview, bulk actions (`POST /api/bulk`, idempotent by key) and the
// jobs they start.
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance } from 'fastify';
import type { HostApp } from '../../../app/hostApp.js';
import { decodeBulk } from '../../../app/bulk.js';
import { invalid, ProblemError } from '../../problem.js';
import { adminOf } from '../../sessions.js';
import { decodeOrThrow, respond } from '../common.js';
import { NOT_JSON } from './common.js';

export const registerBulkApi = (api: FastifyInstance, app: HostApp): void => {
  // ── rollout and bulk actions ──
  api.get('/rollout', async (_request, reply) => reply.send(await app.admin.rollout()));
  api.post('/bulk', async (request, reply) => {
    const by = adminOf(request);
    const input = decodeOrThrow(decodeBulk, request.body);
    const key = request.headers['idempotency-key'];
    if (key !== undefined && (typeof key !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(key)))
      throw new ProblemError(invalid('Idempotency-Key', 'must be 1 to 200 printable characters without spaces, given once'));
    const outcome = await app.admin.bulk(by, input, key);
    if (E.isLeft(outcome)) return respond(reply, outcome);
    if ('preview' in outcome.right) return reply.send(outcome.right);
    return reply.code(202).header('location', `/api/jobs/${outcome.right.jobId}`).send({ jobId: outcome.right.jobId });
  });

  // ── jobs ──
  api.get<{ Params: { readonly jobId: string } }>('/jobs/:jobId', async (request, reply) => {
    return respond(reply, await app.admin.job(request.params.jobId));
  });
  api.post<{ Params: { readonly jobId: string } }>('/jobs/:jobId/cancel', { config: NOT_JSON }, async (request, reply) =>
    respond(reply, await app.admin.cancelJob(adminOf(request), request.params.jobId)),
  );
};
