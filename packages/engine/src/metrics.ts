import type { DirectoryId } from '@takeover/core';

/** How a push ended, as a metric label (never anything about the user or the password). */
export type PushOutcomeLabel = 'succeeded' | 'retryable' | 'permanent' | 'auth' | 'superseded' | 'hold-expired' | 'directory-paused';

/**
 * What the engine reports, for the host to expose (Prometheus, OpenTelemetry, logs). Labels are
 * directory ids and outcome names only: never a user, never a password (R14).
 */
export interface EngineMetrics {
  readonly pushCompleted: (directoryId: DirectoryId, outcome: PushOutcomeLabel, latencyMs: number) => void;
  /** Requests waiting for this directory's pacer. */
  readonly queueDepth: (directoryId: DirectoryId, depth: number) => void;
  /** The directory answered "slow down" (429, or a Retry-After). */
  readonly throttled: (directoryId: DirectoryId, retryAfterMs: number | undefined) => void;
  /** A retryable failure is being retried. */
  readonly retried: (directoryId: DirectoryId) => void;
  /** A password change made in the directory outside Takeover was recorded (R16), found at a login or by the sweep. */
  readonly externalPasswordChange?: (directoryId: DirectoryId, source: 'login-check' | 'sweep') => void;
}

const nothing = (): void => undefined;
export const noopMetrics: EngineMetrics = { pushCompleted: nothing, queueDepth: nothing, throttled: nothing, retried: nothing };

export interface InMemoryMetrics extends EngineMetrics {
  readonly pushes: () => Readonly<Record<string, number>>;
  readonly latencies: () => ReadonlyArray<{ readonly directoryId: DirectoryId; readonly ms: number }>;
  readonly maxQueueDepth: () => Readonly<Record<string, number>>;
  readonly throttles: () => Readonly<Record<string, number>>;
  readonly retries: () => Readonly<Record<string, number>>;
  /** Keys: `<directoryId>/<source>`. */
  readonly externalChanges: () => Readonly<Record<string, number>>;
}

/** Counters in maps, for tests and small hosts. Keys: `<directoryId>/<outcome>` for pushes, `<directoryId>` otherwise. */
export const inMemoryMetrics = (): InMemoryMetrics => {
  const pushes: Record<string, number> = {};
  const depth: Record<string, number> = {};
  const throttles: Record<string, number> = {};
  const retries: Record<string, number> = {};
  const external: Record<string, number> = {};
  const latencies: Array<{ directoryId: DirectoryId; ms: number }> = [];
  const inc = (m: Record<string, number>, k: string): void => {
    m[k] = (m[k] ?? 0) + 1;
  };
  return {
    pushCompleted: (d, outcome, ms) => {
      inc(pushes, `${d}/${outcome}`);
      latencies.push({ directoryId: d, ms });
    },
    queueDepth: (d, n) => {
      depth[d] = Math.max(depth[d] ?? 0, n);
    },
    throttled: (d) => inc(throttles, d),
    retried: (d) => inc(retries, d),
    externalPasswordChange: (d, source) => inc(external, `${d}/${source}`),
    pushes: () => ({ ...pushes }),
    latencies: () => [...latencies],
    maxQueueDepth: () => ({ ...depth }),
    throttles: () => ({ ...throttles }),
    retries: () => ({ ...retries }),
    externalChanges: () => ({ ...external }),
  };
};
