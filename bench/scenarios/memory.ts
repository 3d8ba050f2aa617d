// Scenario 8, memory: the example host's process (createHostApp: SQLite event store with its
// persisted read models in the same file, the engine, the demo emulators, the host database) with
// 100,000 users in its store, against the same host with a small number of users. Each user is
// created, bound to two directories, logged in and pushed to both (13 events, recorded through the
// engine once and copied, written in bulk: bench/engine/hostSeed.ts). For each size, two host
// processes run one after the other on the same DATA_DIR: the first start catches the read models up
// from the whole history, the second is a restart (resumes from the checkpoints). Each is measured in
// its own `node --expose-gc` process once the host is ready (what /readyz checks), after full GCs.
// The figure is the slope: (RSS at N − RSS at the small size) ÷ (N − small), target ≤ 1,024 bytes
// per user, judged on the restart (what a running deployment holds). The first start's slope is
// reported beside it: after a catch-up from the whole history the allocator keeps some of the
// transient batches' memory (heap used stays flat; see its note).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { createHostApp, describeConfigErrors, loadConfig } from '@takeover/example-host';
import { childExecArgv, round, versionsOf } from '../engine/common.js';
import { hostEnv, seedSqlite, userTemplate } from '../engine/hostSeed.js';
import type { UserTemplate } from '../engine/hostSeed.js';
import type { BenchContext, Scenario, ScenarioResult } from '../lib/scenario.js';

const FULL_USERS = 100_000;
const SMALL_USERS = 2_000;
const TARGET_BYTES = 1_024;

const ChildReport = t.type({
  readyMs: t.number,
  rssBare: t.number,
  heapUsedBare: t.number,
  rss: t.number,
  heapUsed: t.number,
  external: t.number,
  peakRss: t.number,
});
type ChildReport = t.TypeOf<typeof ChildReport>;

/** Runs memoryChild.ts on `dataDir` with the same loader flags as this process, plus --expose-gc. */
const measure = (dataDir: string): Promise<ChildReport> =>
  new Promise((resolve, reject) => {
    const args = [...childExecArgv('--expose-gc'), fileURLToPath(new URL('../engine/memoryChild.ts', import.meta.url)), dataDir];
    const child = spawn(process.execPath, args, {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`memory: the measuring process exited with ${String(code)}: ${err.slice(-2000)}`));
        return;
      }
      const line = out.trim().split('\n').at(-1) ?? '';
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        reject(new Error(`memory: the measuring process printed no JSON (${line.slice(0, 200)})`));
        return;
      }
      const decoded = ChildReport.decode(parsed);
      if (decoded._tag === 'Left') {
        reject(new Error(`memory: unexpected report from the measuring process: ${line.slice(0, 200)}`));
        return;
      }
      resolve(decoded.right);
    });
  });

/** A DATA_DIR whose store holds `users` users: the host started once (directories connected), then the users written in bulk. */
const seeded = async (template: UserTemplate, users: number): Promise<{ readonly dataDir: string; readonly seedMs: number }> => {
  const dataDir = await mkdtemp(join(tmpdir(), 'takeover-bench-memory-'));
  const began = Date.now();
  const config = loadConfig(hostEnv(dataDir, 0));
  if (E.isLeft(config)) throw new Error(describeConfigErrors(config.left));
  const app = await createHostApp(config.right, { emulatorScryptN: 1024, logStream: process.stderr });
  await app.close(0);
  await seedSqlite(join(dataDir, 'events.db'), template, 0, users);
  return { dataDir, seedMs: Date.now() - began };
};

interface Measured {
  readonly users: number;
  readonly seedMs: number;
  readonly first: ChildReport;
  readonly restart: ChildReport;
}

const run8 = async (ctx: BenchContext): Promise<ScenarioResult> => {
  const began = Date.now();
  const users = ctx.sized(FULL_USERS, 1_000);
  const small = Math.min(ctx.sized(SMALL_USERS, 100), Math.floor(users / 10));
  ctx.log(`memory: recording one user's history`);
  const template = await userTemplate();
  const measured: Measured[] = [];
  for (const n of [small, users]) {
    ctx.log(`memory: seeding ${n} users`);
    const s = await seeded(template, n);
    try {
      ctx.log(`memory: ${n} users written in ${round(s.seedMs / 1000, 1)} s; first start (catch-up from the whole history)`);
      const first = await measure(s.dataDir);
      ctx.log(`memory: ready after ${round(first.readyMs / 1000, 1)} s; restart`);
      const restart = await measure(s.dataDir);
      measured.push({ users: n, seedMs: s.seedMs, first, restart });
    } finally {
      await rm(s.dataDir, { recursive: true, force: true });
    }
  }
  const [lo, hi] = measured;
  if (lo === undefined || hi === undefined) throw new Error('memory: a size was not measured');
  const slope = (k: 'first' | 'restart', m: 'rss' | 'heapUsed') => Math.round((hi[k][m] - lo[k][m]) / (hi.users - lo.users));
  const rssPerUser = slope('restart', 'rss');
  const mb = (b: number) => round(b / 1024 / 1024, 1);
  return {
    scenario: 'memory',
    parameters: {
      users,
      smallUsers: small,
      eventsPerUser: template.eventsPerUser,
      events: users * template.eventsPerUser,
      store: 'SQLite (the host default), read models persisted in the same file',
      seedSeconds: round(hi.seedMs / 1000, 1),
      rssSmallFirstMB: mb(lo.first.rss),
      rssSmallRestartMB: mb(lo.restart.rss),
      rssFirstMB: mb(hi.first.rss),
      rssRestartMB: mb(hi.restart.rss),
      heapUsedSmallRestartMB: mb(lo.restart.heapUsed),
      heapUsedRestartMB: mb(hi.restart.heapUsed),
      peakRssFirstMB: mb(hi.first.peakRss),
      process:
        'child node --expose-gc running createHostApp; median of three readings after two full GCs each, once /readyz would answer 200',
    },
    baselineDescription: `None: an absolute target. The same host with ${small} users in its store is the reference: growth per user is (RSS with ${users} users − RSS with ${small}) ÷ ${users - small}, after a restart (read models resumed from their checkpoints), which is judged, and after the first start (caught up from the whole history in that process), reported beside it.`,
    figures: [
      {
        name: 'RSS growth per user',
        unit: 'bytes',
        ours: rssPerUser,
        target: TARGET_BYTES,
        targetKind: 'at-most',
        met: rssPerUser <= TARGET_BYTES,
        note: `after a restart; slope between ${small} and ${users} users`,
      },
      {
        name: 'RSS growth per user, first start',
        unit: 'bytes',
        ours: slope('first', 'rss'),
        note: 'the same slope right after catching up from the whole history in that process: what the allocator kept of the catch-up batches (compare heap used)',
      },
      {
        name: 'heap used growth per user',
        unit: 'bytes',
        ours: slope('restart', 'heapUsed'),
        note: `after a restart; after the first start ${slope('first', 'heapUsed')}`,
      },
      {
        name: 'host RSS after restart',
        unit: 'MB',
        ours: mb(hi.restart.rss),
        note: `${users} users, after full GCs (with ${small} users: ${mb(lo.restart.rss)} MB)`,
      },
      {
        name: 'first start: read models caught up',
        unit: 's',
        ours: round(hi.first.readyMs / 1000, 1),
        note: `${users * template.eventsPerUser} events into the SQLite read models, start to ready; peak RSS ${mb(hi.first.peakRss)} MB`,
      },
      {
        name: 'ready after restart (SQLite)',
        unit: 's',
        ours: round(hi.restart.readyMs / 1000, 2),
        note: 'createHostApp to ready, in-process (no HTTP, no process start)',
      },
    ],
    versions: versionsOf(['@takeover/engine', '@takeover/read-models', '@takeover/example-host']),
    durationMs: Date.now() - began,
  };
};

export const scenario: Scenario = {
  id: 'memory',
  title: 'Memory: the host with persisted read models, 100,000 users',
  run: run8,
};
