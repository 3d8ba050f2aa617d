// The BenchContext every scenario gets: the scale (BENCH_SCALE), sizing, PostgreSQL settings, logging.
import type { BenchContext } from './scenario.js';

/** BENCH_SCALE as a positive number (default 1); anything else is an error naming the value. */
export const scaleFromEnv = (env: NodeJS.ProcessEnv = process.env): number => {
  const raw = env.BENCH_SCALE;
  if (raw === undefined || raw === '') return 1;
  const s = Number(raw);
  if (!Number.isFinite(s) || s <= 0) throw new Error(`BENCH_SCALE must be a positive number, got ${JSON.stringify(raw)}`);
  return s;
};

export const pgFromEnv = (env: NodeJS.ProcessEnv = process.env): BenchContext['pg'] => ({
  host: env.PGHOST ?? '127.0.0.1',
  user: env.PGUSER ?? 'postgres',
  database: env.PGDATABASE ?? 'test',
  port: Number(env.PGPORT ?? '5432'),
});

export const makeContext = (scale: number, prefix: string): BenchContext => ({
  scale,
  sized: (full, min = 1) => Math.max(min, Math.round(full * scale)),
  pg: pgFromEnv(),
  log: (line) => {
    process.stderr.write(`[${prefix}] ${line}\n`);
  },
});
