// Problem → HTTP: the host's one Problem → status map (JSON and pages use `statusOf`), one status per kind, one JSON shape for every error the host answers with.
// `{ "error": { "kind", "field"?, "reason", "code"? } }` — never a password, never a stack.
import type { FastifyReply } from 'fastify';
import type { Problem } from '../app/hostApp.js';

export type { Problem } from '../app/hostApp.js';

/** The JSON body of every error response. */
export interface ProblemBody {
  readonly error: {
    readonly kind: Problem['kind'];
    /** For `invalid`: the JSON path of the offending input (`email`, `changes.givenName`). */
    readonly field?: string;
    readonly reason: string;
    /** For `rejected`: the core's error code (`PasswordRejectedByPolicy`). */
    readonly code?: string;
  };
}

/** The HTTP status for a problem: invalid 400, unauthorized 401, forbidden 403, not-found 404, conflict 409, rejected 422, throttled 429, unavailable 503. */
export const statusOf = (problem: Problem): number => {
  switch (problem.kind) {
    case 'invalid':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'not-found':
      return 404;
    case 'conflict':
      return 409;
    case 'rejected':
      return 422;
    case 'throttled':
      return 429;
    case 'unavailable':
      return 503;
  }
};

/** Ids come from the URL; a fuzzed one may be long or odd: keep what is echoed short. */
const shortId = (id: string): string => (id.length > 80 ? `${id.slice(0, 80)}…` : id);

/** What went wrong, in words (English), for the JSON body and the pages. */
export const reasonOf = (problem: Problem): string => {
  switch (problem.kind) {
    case 'invalid':
      return problem.reason;
    case 'unauthorized':
      return 'wrong email or password, or a missing, bad or expired token';
    case 'forbidden':
      return problem.reason;
    case 'not-found':
      return `no ${problem.what} ${JSON.stringify(shortId(problem.id))}`;
    case 'conflict':
      return problem.reason;
    case 'rejected':
      return problem.reason;
    case 'throttled':
      return `too many attempts; retry in ${String(problem.retryAfterSeconds)} s`;
    case 'unavailable':
      return problem.reason;
  }
};

export const problemBody = (problem: Problem): ProblemBody => ({
  error: {
    kind: problem.kind,
    ...(problem.kind === 'invalid' ? { field: problem.field } : {}),
    reason: reasonOf(problem),
    ...(problem.kind === 'rejected' ? { code: problem.code } : {}),
  },
});

/** Sets `Retry-After` for a throttled answer (JSON or page). */
export const retryAfter = (reply: FastifyReply, problem: Problem): void => {
  if (problem.kind === 'throttled') void reply.header('retry-after', String(Math.max(1, Math.ceil(problem.retryAfterSeconds))));
};

/** Sends the problem as JSON with its status (or `status`, e.g. 413 or 415 for an `invalid` body), and `Retry-After` for `throttled`. */
export const sendProblem = (reply: FastifyReply, problem: Problem, status: number = statusOf(problem)): FastifyReply => {
  retryAfter(reply, problem);
  return reply.code(status).type('application/json; charset=utf-8').send(problemBody(problem));
};

export const invalid = (field: string, reason: string): Problem => ({ kind: 'invalid', field, reason });

/** A problem thrown from a handler (e.g. a preHandler) and turned into a response by the server's error handler. */
export class ProblemError extends Error {
  readonly _tag = 'ProblemError';
  constructor(readonly problem: Problem) {
    super(reasonOf(problem));
    this.name = 'ProblemError';
  }
}

/** Structural check (no `instanceof` across module copies). */
export const isProblemError = (e: unknown): e is ProblemError =>
  typeof e === 'object' &&
  e !== null &&
  (e as { _tag?: unknown })._tag === 'ProblemError' &&
  typeof (e as { problem?: unknown }).problem === 'object';
