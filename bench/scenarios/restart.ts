// Scenario 8b, restart: the example host on PostgreSQL with 100,000 users in its store (each
// created, bound to two directories, logged in and pushed to both: 13 events, recorded through the
// engine once, copied and written in bulk: bench/engine/hostSeed.ts). A first start in this process
// connects the directories and catches the persisted read models up; then the host is started as
// `npm start` runs it (`node examples/host/dist/main.js`, its own process, real HTTP) three times,
// and each time `/readyz` is polled every 50 ms from just before the process is spawned until it
// answers 200. Figure: `ready after restart`, the median of the three, target ≤ 5 s. Every
// restart is stopped with SIGTERM (a graceful shutdown) before the next. Each restart runs at
// LOG_LEVEL=info so its `listening` line gives the host's own account of where the time went
// (`startupMs`: module loading, each step of createHostApp, the HTTP server): the medians are in
// the parameters.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import { createHostApp, describeConfigErrors, loadConfig } from '@takeover/example-host';
import { median, round, versionsOf } from '../engine/common.js';
import { hostEnv, seedPostgres, userTemplate } from '../engine/hostSeed.js';
import { connectionString, poolOf, schemaName, withSchemas } from '../lib/pg.js';
import { freePort } from '../lib/ports.js';
import type { BenchContext, Scenario, ScenarioResult } from '../lib/scenario.js';

const FULL_USERS = 100_000;
const TARGET_SECONDS = 5;
const RESTARTS = 3;
const root = fileURLToPath(new URL('../..', import.meta.url));

const rssOf = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m?.[1] === undefined ? Number.NaN : Number(m[1]) * 1024;
};

interface Restart {
  /** Spawn to the first HTTP answer of any status (the process listens). */
  readonly answeringMs: number;
  /** Spawn to `/readyz` 200. */
  readonly readyMs: number;
  readonly rss: number;
  /** The host's `listening` log line's `startupMs`, flattened (`modules`, `app.emulators`, …, `server`, `total`). */
  readonly steps: Readonly<Record<string, number>>;
}

/** The `startupMs` of the host's `listening` log line, flattened; empty when the line is not there. */
const stepsOf = (stdout: string): Record<string, number> => {
  const line = stdout.split('\n').find((l) => l.includes('"msg":"listening"'));
  if (line === undefined) return {};
  const flat: Record<string, number> = {};
  const walk = (prefix: string, value: unknown): void => {
    if (typeof value === 'number') flat[prefix] = value;
    else if (typeof value === 'object' && value !== null)
      for (const [k, v] of Object.entries(value)) walk(prefix === '' ? k : `${prefix}.${k}`, v);
  };
  try {
    walk('', (JSON.parse(line) as { startupMs?: unknown }).startupMs);
  } catch {
    return {};
  }
  return flat;
};

/** Spawns the built host, polls /readyz until 200, reads its RSS, stops it with SIGTERM and waits for it to exit. */
const restartOnce = async (env: Record<string, string>, port: number): Promise<Restart> => {
  const began = performance.now();
  const child = spawn(process.execPath, ['--enable-source-maps', join(root, 'examples/host/dist/main.js')], {
    cwd: root,
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    if (out.length < 1_000_000) out += d.toString();
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  let result: Restart;
  try {
    let answeringMs: number | undefined;
    const limit = Date.now() + 10 * 60_000;
    for (;;) {
      if (ended) throw new Error(`restart: the host exited before it was ready: ${err}`);
      if (Date.now() > limit) throw new Error(`restart: /readyz did not answer 200 within 10 minutes: ${err}`);
      const status = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      if (status !== 0) answeringMs ??= performance.now() - began;
      if (status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const readyMs = performance.now() - began;
    const rss = child.pid === undefined ? Number.NaN : rssOf(child.pid);
    result = { answeringMs: answeringMs ?? readyMs, readyMs, rss, steps: {} };
  } finally {
    if (!ended) child.kill('SIGTERM');
    await exited;
  }
  const code = await exited;
  if (code !== 0) throw new Error(`restart: the host's graceful shutdown exited with ${String(code)}: ${err}`);
  return { ...result, steps: stepsOf(out) };
};

const run8b = async (ctx: BenchContext): Promise<ScenarioResult> => {
  const began = Date.now();
  const users = ctx.sized(FULL_USERS, 1_000);
  const schema = schemaName('restart');
  ctx.log('restart: building the host (tsc -b examples/host, as npm start does)');
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'examples/host'], { cwd: root, stdio: 'inherit' });
  return withSchemas(ctx, [schema], async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'takeover-bench-restart-'));
    const pool = poolOf(ctx.pg, 2);
    try {
      const database = { url: connectionString(ctx.pg), schema };
      const config = loadConfig(hostEnv(dataDir, 0, database));
      if (E.isLeft(config)) throw new Error(describeConfigErrors(config.left));
      const start = () => createHostApp(config.right, { emulatorScryptN: 1024, logStream: process.stderr });
      ctx.log(`restart: recording one user's history; first start (tables, directories)`);
      const template = await userTemplate();
      await (await start()).close(0);
      ctx.log(`restart: writing ${users} users`);
      const seedStart = Date.now();
      await seedPostgres(pool, schema, template, 0, users);
      const seedMs = Date.now() - seedStart;
      ctx.log(`restart: written in ${round(seedMs / 1000, 1)} s; catching the read models up`);
      const catchUpStart = Date.now();
      const app = await start();
      const limit = Date.now() + 60 * 60_000;
      for (;;) {
        const r = await app.ready();
        if (r.ready) break;
        if (Date.now() > limit) throw new Error(`restart: the read models did not catch up within an hour: ${JSON.stringify(r.checks)}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const catchUpMs = Date.now() - catchUpStart;
      await app.close(0);
      ctx.log(`restart: caught up in ${round(catchUpMs / 1000, 1)} s; ${RESTARTS} restarts`);
      const restarts: Restart[] = [];
      for (let i = 0; i < RESTARTS; i++) {
        const port = await freePort();
        const r = await restartOnce(hostEnv(dataDir, port, database), port);
        ctx.log(`restart: ready after ${round(r.readyMs / 1000, 2)} s (answering after ${round(r.answeringMs / 1000, 2)} s)`);
        restarts.push(r);
      }
      const ready = round(median(restarts.map((r) => r.readyMs)) / 1000, 2);
      const stepNames = [...new Set(restarts.flatMap((r) => Object.keys(r.steps)))];
      const stepMedians = stepNames.map((n) => `${n} ${String(median(restarts.flatMap((r) => r.steps[n] ?? [])))}`).join(', ');
      const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".events`);
      return {
        scenario: 'restart',
        parameters: {
          users,
          eventsPerUser: template.eventsPerUser,
          events: Number(rows[0]?.n ?? 0),
          restarts: RESTARTS,
          seedSeconds: round(seedMs / 1000, 1),
          firstCatchUpSeconds: round(catchUpMs / 1000, 1),
          readyEach: restarts.map((r) => round(r.readyMs / 1000, 2)).join(', '),
          startupMsMedians: stepMedians === '' ? 'not logged' : stepMedians,
          process: 'node --enable-source-maps examples/host/dist/main.js (npm start), SIGTERM between restarts',
        },
        baselineDescription:
          'None: an absolute target. Time from spawning the host process to /readyz answering 200 (polled every 50 ms), with the read models already caught up by an earlier start; the median of three restarts.',
        figures: [
          {
            name: 'ready after restart',
            unit: 's',
            ours: ready,
            target: TARGET_SECONDS,
            targetKind: 'at-most',
            met: ready <= TARGET_SECONDS,
            note: `${users} users on PostgreSQL; each restart: ${restarts.map((r) => round(r.readyMs / 1000, 2)).join(', ')} s`,
          },
          {
            name: 'answering HTTP after restart',
            unit: 's',
            ours: round(median(restarts.map((r) => r.answeringMs)) / 1000, 2),
            note: 'spawn to the first answer of /readyz (any status): Node, the modules, the host listening',
          },
          {
            name: 'loading the modules after restart',
            unit: 's',
            ours: round(median(restarts.flatMap((r) => r.steps.modules ?? [])) / 1000, 2),
            note: "spawn to the host's main() running (Node's start and its static imports), from the host's own `listening` log line; the other steps are in the parameters (startupMsMedians)",
          },
          {
            name: 'host RSS when ready',
            unit: 'MB',
            ours: round(median(restarts.map((r) => r.rss)) / 1024 / 1024, 1),
            note: 'VmRSS of the host process right after /readyz answered 200 (no forced GC)',
          },
          {
            name: 'first start: read models caught up',
            unit: 's',
            ours: round(catchUpMs / 1000, 1),
            note: `${users * template.eventsPerUser} events into the PostgreSQL read models, once, before the restarts`,
          },
        ],
        versions: versionsOf(['@takeover/engine', '@takeover/read-models', '@takeover/event-store-postgres', '@takeover/example-host']),
        durationMs: Date.now() - began,
      };
    } finally {
      await pool.end();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
};

export const scenario: Scenario = {
  id: 'restart',
  title: 'Restart: the host on PostgreSQL with 100,000 users, /readyz 200',
  run: run8b,
};
