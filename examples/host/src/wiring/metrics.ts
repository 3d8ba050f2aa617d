// prom-client: the process defaults plus the engine's `EngineMetrics` port as counters, a gauge and
// a histogram. Labels are directory ids and outcome names only (never a user or a password).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EngineMetrics } from '@takeover/engine';

export interface HostMetrics {
  readonly registry: Registry;
  readonly engine: EngineMetrics;
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
  };
};
