// Points inside the host where a test can stop it deterministically, to reproduce a crash at an
// exact step (issue 17 #3: a `kill -9` between writing a password hash and appending `SetPassword`).
// Empty in production: `testHooksFromEnv` gives hooks only when NODE_ENV=test.
import type { UserId } from '@takeover/core';

export interface TestHooks {
  /** After a password change wrote its hash (with its pending marker), before `SetPassword`. */
  readonly credentialWritten?: (userId: UserId) => Promise<void>;
  /** After `SetPassword` was appended, before the pending marker is cleared. */
  readonly passwordSet?: (userId: UserId) => Promise<void>;
  /** Before a job's runner takes an item (before it checks that the job still runs). */
  readonly jobItem?: (jobId: string, seq: number) => Promise<void>;
}

export const TEST_HOOK_POINTS = ['credential-written', 'password-set'] as const;
export type TestHookPoint = (typeof TEST_HOOK_POINTS)[number];

/** What a paused host writes to stderr, so a test waits for it (never for time) before its `kill -9`. */
export const pausedLine = (point: TestHookPoint): string => `TEST HOOK: paused at ${point}`;

/**
 * `TAKEOVER_TEST_PAUSE_AT=credential-written|password-set`, honoured only when `NODE_ENV=test`: the
 * request reaching that point announces it on stderr and never goes on (the test then kills the process).
 */
export const testHooksFromEnv = (env: NodeJS.ProcessEnv): TestHooks => {
  const point = env['TAKEOVER_TEST_PAUSE_AT'];
  if (env['NODE_ENV'] !== 'test' || point === undefined || !(TEST_HOOK_POINTS as ReadonlyArray<string>).includes(point)) return {};
  const pause = (): Promise<void> => {
    process.stderr.write(`${pausedLine(point as TestHookPoint)}\n`);
    return new Promise<void>(() => undefined);
  };
  return point === 'credential-written' ? { credentialWritten: pause } : { passwordSet: pause };
};
