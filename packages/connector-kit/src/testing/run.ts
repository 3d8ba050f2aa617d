import { randomBytes } from 'node:crypto';
import { AssertionError } from 'node:assert';
import type { Either } from 'fp-ts/lib/Either.js';
import { isLeft } from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { Secret } from '@takeover/core';
import type { ConnectorError } from '../errors.js';
import { describeConnectorError, isConnectorError } from '../errors.js';
import type { ExternalUserId } from '../port.js';
import { startCapture } from './capture.js';
import { leakScanner } from './leakScan.js';
import type { ConformanceFactory, ConformanceFixture } from './target.js';

/** What a check gets: the fixture, and helpers that record everything for the leak search. */
export interface CheckContext extends ConformanceFixture {
  /** A fresh password every directory accepts; its plaintext is searched for in everything captured. */
  readonly newPassword: () => { readonly plain: string; readonly secret: Secret };
  /** A fresh address in the target's domain. */
  readonly newEmail: (label: string) => string;
  /** Seeds an account with a known password. */
  readonly seed: (label: string) => Promise<{ readonly id: ExternalUserId; readonly email: string; readonly plain: string }>;
  /** Runs a connector call. A rejection, or a Left that is not a ConnectorError, fails the check. */
  readonly run: <A>(call: TaskEither<ConnectorError, A>) => Promise<Either<ConnectorError, A>>;
  /** Runs a call that must succeed. */
  readonly ok: <A>(call: TaskEither<ConnectorError, A>) => Promise<A>;
  /** Runs a call that must fail. */
  readonly fails: <A>(call: TaskEither<ConnectorError, A>) => Promise<ConnectorError>;
}

export interface ConformanceCheck {
  readonly name: string;
  readonly run: (ctx: CheckContext) => Promise<void>;
}

export type CheckResult = { readonly status: 'passed' } | { readonly status: 'failed'; readonly message: string };

export const fail = (message: string): never => {
  throw new AssertionError({ message });
};

const runCall = async <A>(
  call: TaskEither<ConnectorError, A>,
  record: (where: string, v: unknown) => void,
): Promise<Either<ConnectorError, A>> => {
  let result: Either<unknown, A>;
  try {
    result = await call();
  } catch (thrown) {
    record('thrown', thrown);
    return fail(
      `a connector call rejected instead of returning a ConnectorError (a TaskEither must not reject): ${String(thrown instanceof Error ? thrown.name : typeof thrown)}`,
    );
  }
  record(isLeft(result) ? 'error' : 'result', result);
  if (isLeft(result) && !isConnectorError(result.left)) return fail('a connector call failed with a value that is not a ConnectorError');
  return result as Either<ConnectorError, A>;
};

/** Runs one check against a fresh fixture, then searches everything captured for the passwords it used. */
export const runConformanceCheck = async (check: ConformanceCheck, factory: ConformanceFactory): Promise<CheckResult> => {
  const plaintexts: string[] = [];
  const capture = startCapture(() => plaintexts);
  let fixture: ConformanceFixture | undefined;
  let failure: string | undefined;
  try {
    fixture = await factory({ logger: capture.logger });
    const f = fixture;
    const newPassword = () => {
      const plain = `Cf-${randomBytes(9).toString('base64url')} 9aZ!"`;
      plaintexts.push(plain);
      return { plain, secret: Secret.of(plain) };
    };
    const newEmail = (label: string) => `${label}.${randomBytes(4).toString('hex')}@${f.target.emailDomain}`;
    const run = <A>(call: TaskEither<ConnectorError, A>) => runCall(call, capture.record);
    const ctx: CheckContext = {
      ...f,
      newPassword,
      newEmail,
      seed: async (label) => {
        const email = newEmail(label);
        const { plain } = newPassword();
        const id = await f.target.seedUser({ primaryEmail: email, givenName: 'Ada', familyName: label, password: plain });
        return { id, email, plain };
      },
      run,
      ok: async (call) => {
        const r = await run(call);
        return isLeft(r) ? fail(`expected success, got ${describeConnectorError(r.left)}`) : r.right;
      },
      fails: async (call) => {
        const r = await run(call);
        return isLeft(r) ? r.left : fail('expected a ConnectorError, the call succeeded');
      },
    };
    await check.run(ctx);
  } catch (e) {
    if (!(e instanceof AssertionError)) capture.record('thrown', e);
    failure = e instanceof AssertionError ? e.message : `the check threw: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
  } finally {
    capture.restore();
    await fixture?.close();
  }
  const leaks = capture.search(plaintexts);
  if (leaks.length > 0)
    failure = `${failure === undefined ? '' : `${failure}; and `}the plaintext password leaked (R14) into: ${leaks.join(' | ')}`;
  // The report itself must not repeat a leaked password.
  return failure === undefined ? { status: 'passed' } : { status: 'failed', message: leakScanner(plaintexts).scrub(failure) };
};
