// prom-client: the process defaults plus the engine's `EngineMetrics` port as counters, a gauge and
// a histogram. Labels are directory ids and outcome names only (never a user or a password).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DirectoryRollout, EngineMetrics } from '@takeover/engine';

export interface HostMetrics {
  readonly registry: Registry;
  readonly engine: EngineMetrics;
  /**
   * Where `takeover_external_password_changes_total` is read from at each scrape: the persisted
   * user list's counts (every instance reports the same figures, a restart keeps them), not a
   * process counter that would count a change once per instance that saw it and forget it at a restart.
   */
  readonly countExternalChangesFrom: (read: () => Promise<ReadonlyArray<DirectoryRollout>>) => void;
}

export const createMetrics = (): HostMetrics => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const pushes = new Counter({
    name: 'takeover_pushes_total',
    help: 'Pushes to a directory by outcome',
    labelNames: ['directory', 'outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'takeover_push_duration_seconds',
    help: 'Time from a push starting to its outcome',
    labelNames: ['directory', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  const queue = new Gauge({
    name: 'takeover_directory_queue_depth',
    help: "Requests waiting for a directory's pacer",
    labelNames: ['directory'] as const,
    registers: [registry],
  });
  const throttled = new Counter({
    name: 'takeover_directory_throttled_total',
    help: 'Times a directory answered "slow down"',
    labelNames: ['directory'] as const,
    registers: [registry],
  });
  const retried = new Counter({
    name: 'takeover_push_retries_total',
    help: 'Retryable failures being retried',
    labelNames: ['directory'] as const,
    registers: [registry],
  });
  let readExternal: (() => Promise<ReadonlyArray<DirectoryRollout>>) | undefined;
  new Counter({
    name: 'takeover_external_password_changes_total',
    help: 'Password changes made in a directory outside the portal, recorded (R16), by how they were noticed (from the read model: the same on every instance, kept across restarts)',
    labelNames: ['directory', 'source'] as const,
    registers: [registry],
    async collect() {
      if (readExternal === undefined) return;
      const counts = await readExternal();
      this.reset();
      for (const d of counts)
        for (const source of ['login-check', 'sweep'] as const)
          this.inc({ directory: d.directoryId, source }, d.externalChangesBySource[source] ?? 0);
    },
  });
  return {
    registry,
    engine: {
      pushCompleted: (directory, outcome, ms) => {
        pushes.inc({ directory, outcome });
        latency.observe({ directory, outcome }, ms / 1000);
      },
      queueDepth: (directory, depth) => queue.set({ directory }, depth),
      throttled: (directory) => throttled.inc({ directory }),
      retried: (directory) => retried.inc({ directory }),
    },
    countExternalChangesFrom: (read) => {
      readExternal = read;
    },
  };
};
