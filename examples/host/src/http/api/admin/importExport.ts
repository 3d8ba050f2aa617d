// The admin API's CSV import (`POST /api/users/import`, text/csv only, up to 10 MB) and export
// (`GET /api/users.csv`).
import { Readable } from 'node:stream';
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance } from 'fastify';
import type { HostApp } from '../../../app/hostApp.js';
import { CSV_MAX_BYTES } from '../../../app/csvImport.js';
import { decodeUserListFilter } from '../../../app/inputs.js';
import { invalid, ProblemError, problemBody, sendProblem, statusOf } from '../../problem.js';
import { adminOf } from '../../sessions.js';
import { decodeOrThrow, mediaTypeOf, respond } from '../common.js';
import { NOT_JSON } from './common.js';

export const registerImportExportApi = (api: FastifyInstance, app: HostApp): void => {
  // ── CSV import: text/csv only (415 otherwise), up to 10 MB ──
  api.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: CSV_MAX_BYTES }, (_request, body, parsed) => {
    parsed(null, body);
  });
  api.post<{ Querystring: Record<string, unknown> }>(
    '/users/import',
    {
      bodyLimit: CSV_MAX_BYTES,
      // Not JSON: the route checks its own media type below.
      config: NOT_JSON,
      onRequest: async (request, reply) => {
        if (mediaTypeOf(request) !== 'text/csv') {
          await sendProblem(
            reply,
            invalid('content-type', 'this endpoint accepts text/csv only (a header row, then one user a line)'),
            415,
          );
        }
      },
    },
    async (request, reply) => {
      const by = adminOf(request);
      const flag = request.query.dryRun;
      if (flag !== undefined && flag !== 'true' && flag !== 'false') throw new ProblemError(invalid('dryRun', 'must be true or false'));
      const csv = typeof request.body === 'string' ? request.body : '';
      const outcome = await app.admin.importUsers(by, csv, { dryRun: flag === 'true' });
      if (E.isLeft(outcome)) return respond(reply, outcome);
      const answer = outcome.right;
      switch (answer.kind) {
        case 'dry-run':
          return reply.send({
            problems: answer.problems,
            truncated: answer.truncated,
            wouldCreate: answer.wouldCreate,
            unchanged: answer.unchanged,
          });
        case 'refused': {
          const refusal = invalid(
            'body',
            `the file has ${answer.truncated ? 'more than ' : ''}${String(answer.problems.length)} problem(s); nothing was imported (each is listed in problems, by line and column)`,
          );
          return reply.code(statusOf(refusal)).send({ ...problemBody(refusal), problems: answer.problems, truncated: answer.truncated });
        }
        case 'imported':
          return reply.code(201).send(answer.result);
        case 'job':
          return reply.code(202).send({ jobId: answer.jobId, total: answer.total });
      }
    },
  );

  // ── CSV export ──
  api.get<{ Querystring: Record<string, unknown> }>('/users.csv', async (request, reply) => {
    const filter = decodeOrThrow(decodeUserListFilter, request.query);
    const outcome = await app.admin.exportUsers(filter);
    if (E.isLeft(outcome)) return respond(reply, outcome);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="users.csv"')
      .send(Readable.from(outcome.right, { objectMode: false }));
  });
};
