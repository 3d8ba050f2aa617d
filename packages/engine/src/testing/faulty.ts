import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { ConnectorError, DirectoryConnector } from '@takeover/connector-kit';
import { diagnoseByDescribe } from '@takeover/connector-kit';

export interface FaultyConnector extends DirectoryConnector {
  /** The next `count` calls (of any operation) fail with `error`. */
  readonly failNext: (count: number, error: ConnectorError) => void;
  /** Every call from now fails with `error` (until `heal`). */
  readonly failAlways: (error: ConnectorError) => void;
  /** The next `count` calls of `op` reach the wrapped connector (their change lands), then answer `error` instead: an ambiguous outcome. */
  readonly loseAnswers: (op: string, count: number, error: ConnectorError) => void;
  readonly heal: () => void;
  /** Every call that reached the wrapped connector or was failed here, in order: operation, epoch ms, and for a push whether it carried a password. */
  readonly calls: () => ReadonlyArray<{ readonly op: string; readonly at: number; readonly withPassword?: boolean }>;
}

/** Wraps a connector (e.g. `inMemoryDirectory().connector`) to fail for a while and to count calls. */
export const faultyConnector = (inner: DirectoryConnector, now: () => number = Date.now): FaultyConnector => {
  let queued: ConnectorError[] = [];
  let always: ConnectorError | undefined;
  let lost: Array<{ op: string; error: ConnectorError }> = [];
  const calls: Array<{ op: string; at: number; withPassword?: boolean }> = [];
  const wrap =
    <Args extends unknown[], A>(op: string, f: (...args: Args) => TE.TaskEither<ConnectorError, A>) =>
    (...args: Args): TE.TaskEither<ConnectorError, A> =>
    () => {
      const request = args[0];
      calls.push(
        op === 'push' && typeof request === 'object' && request !== null
          ? { op, at: now(), withPassword: 'password' in request }
          : { op, at: now() },
      );
      const fault = always ?? queued.shift();
      if (fault !== undefined) return Promise.resolve({ _tag: 'Left' as const, left: fault });
      const lose = lost.findIndex((l) => l.op === op);
      if (lose < 0) return f(...args)();
      const { error } = lost[lose] ?? { error: undefined };
      lost = lost.filter((_, i) => i !== lose);
      return f(...args)().then(() => ({ _tag: 'Left' as const, left: error as ConnectorError }));
    };
  return {
    kind: inner.kind,
    capabilities: inner.capabilities,
    describe: wrap('describe', inner.describe),
    resolve: wrap('resolve', inner.resolve),
    suspend: wrap('suspend', inner.suspend),
    reactivate: wrap('reactivate', inner.reactivate),
    push: wrap('push', inner.push),
    checkPassword: wrap('checkPassword', inner.checkPassword),
    ...(inner.lastPasswordChange === undefined ? {} : { lastPasswordChange: wrap('lastPasswordChange', inner.lastPasswordChange) }),
    ...(inner.passwordChangePrecisionMs === undefined ? {} : { passwordChangePrecisionMs: inner.passwordChangePrecisionMs }),
    ...(inner.externalPasswordChange === undefined
      ? {}
      : { externalPasswordChange: wrap('externalPasswordChange', inner.externalPasswordChange) }),
    ...(inner.passwordChangesSince === undefined ? {} : { passwordChangesSince: wrap('passwordChangesSince', inner.passwordChangesSince) }),
    // While faults are set, diagnose reads the directory through them (as a real diagnose would meet the same refusals).
    diagnose: () =>
      always !== undefined || queued.length > 0 ? diagnoseByDescribe(wrap('describe', inner.describe)) : wrap('diagnose', inner.diagnose)(),
    failNext: (count, error) => {
      queued = [...queued, ...Array.from({ length: count }, () => error)];
    },
    failAlways: (error) => {
      always = error;
    },
    loseAnswers: (op, count, error) => {
      lost = [...lost, ...Array.from({ length: count }, () => ({ op, error }))];
    },
    heal: () => {
      always = undefined;
      queued = [];
      lost = [];
    },
    calls: () => [...calls],
  };
};
