import { strictEqual } from 'node:assert';
import { isLeft } from 'fp-ts/lib/Either.js';
import type { ConnectorError } from '../errors.js';
import { describeConnectorError } from '../errors.js';
import { externalUserId } from '../port.js';
import type { CheckContext, ConformanceCheck } from './run.js';
import { fail } from './run.js';
import type { Fault } from './target.js';

const classOf = (e: ConnectorError): string => (e._tag === 'auth' ? 'auth' : `${e._tag}/${e.reason}`);

/** Injects `fault`, pushes a password, returns the error; then proves the fault was one-shot. */
const pushThrough = async (ctx: CheckContext, fault: Fault): Promise<ConnectorError> => {
  const u = await ctx.seed(`fault-${fault.kind}`);
  await ctx.target.injectFault(fault);
  const r = await ctx.run(ctx.connector.push({ externalId: u.id, password: ctx.newPassword().secret }));
  if (!isLeft(r)) {
    return fail(
      `a single injected ${fault.kind} fault did not surface: the connector (or its vendor client) retried on its own. The engine is the one retry layer: turn the client's retries off.`,
    );
  }
  const next = ctx.newPassword();
  await ctx.ok(ctx.connector.push({ externalId: u.id, password: next.secret }));
  strictEqual(await ctx.target.passwordMatches(u.id, next.plain), true, 'after the fault the connector works again');
  return r.left;
};

const expectClass = (e: ConnectorError, expected: string, fault: string): void => {
  if (classOf(e) !== expected) fail(`fault ${fault} must map to ${expected}, got ${describeConnectorError(e)}`);
  if (e.provider.message.length === 0) fail(`fault ${fault}: the provider's message is kept for the admin`);
};

/** The HTTP status each fault answers with, which the error must keep for the admin. */
const statusOf: Partial<Record<Fault['kind'], number>> = { 'not-found': 404, forbidden: 403, auth: 401, throttle: 429, unavailable: 503 };

const faultCheck = (fault: Fault, expected: string, more?: (e: ConnectorError) => void): ConformanceCheck => ({
  name: `provider fault ${fault.kind} → ${expected}`,
  run: async (ctx) => {
    const e = await pushThrough(ctx, fault);
    expectClass(e, expected, fault.kind);
    const status = statusOf[fault.kind];
    if (status !== undefined) strictEqual(e.provider.status, status, `fault ${fault.kind}: the provider's HTTP status is kept`);
    more?.(e);
  },
});

const retryAfterOf = (e: ConnectorError): number | undefined => (e._tag === 'retryable' ? e.retryAfter : undefined);

export const faultChecks: ReadonlyArray<ConformanceCheck> = [
  faultCheck({ kind: 'not-found' }, 'permanent/not-found'),
  faultCheck({ kind: 'policy-reject' }, 'permanent/policy-rejected'),
  faultCheck({ kind: 'forbidden' }, 'permanent/forbidden'),
  faultCheck({ kind: 'auth' }, 'auth'),
  faultCheck({ kind: 'throttle', retryAfterSeconds: 7 }, 'retryable/throttled', (e) =>
    strictEqual(retryAfterOf(e), 7000, 'Retry-After: 7 is carried as retryAfter 7000 (ms)'),
  ),
  faultCheck({ kind: 'unavailable' }, 'retryable/server', (e) =>
    strictEqual(retryAfterOf(e), undefined, 'no retryAfter is invented when the provider gave none'),
  ),
  faultCheck({ kind: 'timeout' }, 'retryable/timeout'),
  faultCheck({ kind: 'connection-reset' }, 'retryable/connection'),
  {
    name: 'faults surface from every operation, not only push',
    run: async (ctx) => {
      const u = await ctx.seed('faults-everywhere');
      await ctx.target.injectFault({ kind: 'unavailable' });
      expectClass(await ctx.fails(ctx.connector.resolve({ primaryEmail: u.email })), 'retryable/server', 'unavailable on resolve');
      await ctx.target.injectFault({ kind: 'auth' });
      expectClass(await ctx.fails(ctx.connector.suspend(u.id)), 'auth', 'auth on suspend');
      await ctx.target.injectFault({ kind: 'throttle', retryAfterSeconds: 2 });
      const e = await ctx.fails(ctx.connector.reactivate(u.id));
      expectClass(e, 'retryable/throttled', 'throttle on reactivate');
      strictEqual(retryAfterOf(e), 2000, 'Retry-After is carried from every operation');
      await ctx.target.injectFault({ kind: 'forbidden' });
      expectClass(await ctx.fails(ctx.connector.describe()), 'permanent/forbidden', 'forbidden on describe');
      strictEqual(await ctx.target.isSuspended(u.id), false, 'the failed suspend changed nothing');
    },
  },
  {
    name: 'a push to an account the directory does not have is permanent/not-found',
    run: async ({ connector, target, fails, newPassword }) => {
      const e = await fails(
        connector.push({ externalId: externalUserId(`nobody.0@${target.emailDomain}`), password: newPassword().secret }),
      );
      expectClass(e, 'permanent/not-found', 'unknown user');
    },
  },
  {
    name: 'a provider message quoting the password reaches nobody unscrubbed',
    run: async (ctx) => {
      // The harness searches every error, log line and thrown value for the plaintext afterwards.
      expectClass(
        await pushThrough(ctx, { kind: 'policy-reject', echoPassword: true }),
        'permanent/policy-rejected',
        'policy-reject (echoing)',
      );
    },
  },
];
