// Everything a Google request handler needs: state, clock, quotas and the concurrency gauge.
import type { FastifyRequest } from 'fastify';
import * as E from 'fp-ts/lib/Either.js';
import type { Clock } from '../common/clock.js';
import { bearer } from '../common/http.js';
import type { TokenBuckets } from '../common/tokenBucket.js';
import type { ScryptCost } from '../common/verifier.js';
import type { GoogleApiError } from './errors.js';
import { googleError } from './errors.js';
import {
  DIRECTORY_USER_READONLY_SCOPE,
  DIRECTORY_USER_SCOPE,
  DIRECTORY_USER_SECURITY_SCOPE,
  REPORTS_AUDIT_READONLY_SCOPE,
} from './seed.js';
import type { GoogleSession, GoogleState, GoogleUser } from './state.js';
import { findUser } from './state.js';

export type GoogleQuotaName = 'perUser' | 'perAccount' | 'concurrent';

export interface GoogleRuntime {
  readonly state: GoogleState;
  readonly clock: Clock;
  readonly scrypt: ScryptCost;
  /** 2,400 queries per minute per user per project: 403 userRateLimitExceeded. */
  readonly perUser: TokenBuckets;
  /** Per Workspace account (unpublished; off by default): 429 rateLimitExceeded. */
  readonly perAccount: TokenBuckets;
  /** Concurrent requests per project (unpublished; off by default): 403 quotaExceeded. */
  concurrentLimit: number | null;
  /** API requests in progress, this one included. */
  inFlight: number;
  /** How long a user made by users.insert stays "still being created" (emulator clock), 0 for none. */
  propagationDelayMs: number;
  /** How long after an event the Reports API lists it (emulator clock), 0 for at once. */
  reportsLagMs: number;
}

export type Need = 'read' | 'write' | 'security' | 'reports';

const SCOPES_FOR: Readonly<Record<Need, ReadonlyArray<string>>> = {
  read: [DIRECTORY_USER_SCOPE, DIRECTORY_USER_READONLY_SCOPE],
  write: [DIRECTORY_USER_SCOPE],
  security: [DIRECTORY_USER_SECURITY_SCOPE],
  reports: [REPORTS_AUDIT_READONLY_SCOPE],
};

export interface Caller {
  readonly session: GoogleSession;
  readonly admin: GoogleUser;
}

/** Bearer token → caller; then scopes, admin rights and quotas, in the order Google applies them. */
export const authorize = (rt: GoogleRuntime, req: FastifyRequest, need: Need): E.Either<GoogleApiError, Caller> => {
  const token = bearer(req);
  const session = token === undefined ? undefined : rt.state.sessions.get(token);
  if (session === undefined || session.expiresAt <= rt.clock.now()) return E.left(googleError('authError'));
  if (!SCOPES_FOR[need].some((s) => session.scopes.includes(s))) return E.left(googleError('insufficientPermissions'));
  const admin = findUser(rt.state, session.subject);
  if (admin === undefined || !admin.isAdmin || admin.suspended) return E.left(googleError('forbidden'));
  const account = rt.perAccount.take(rt.state.customerId);
  if (account._tag === 'Throttled') return E.left(googleError('rateLimitExceeded'));
  const user = rt.perUser.take(`${session.projectId}:${session.subject.toLowerCase()}`);
  if (user._tag === 'Throttled') return E.left(googleError('userRateLimitExceeded'));
  if (rt.concurrentLimit !== null && rt.inFlight > rt.concurrentLimit) return E.left(googleError('quotaExceeded'));
  return E.right({ session, admin });
};
