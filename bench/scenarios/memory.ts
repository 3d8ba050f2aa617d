// Scenario 8, memory: what the engine's in-memory read models (syncStatusView, auditLog,
// portalNotifications, whyView) hold for 100,000 users, each created, bound to two directories,
// logged in once and pushed to both (13 events per user, recorded through the engine once and
// copied with the user id renamed). Measured in a child process (`node --expose-gc`) so nothing else
// lives in that heap: RSS and heap used after a full GC, before and after feeding, and the peak RSS.
// Every figure is net of the process itself: what the read models hold is the difference from the
// process's own RSS/heap, measured after full GCs before the read models were built (and, for the
// peak, from the process's bare RSS at its start). No baseline and no target: the figures are for
// sizing a host.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as t from 'io-ts';
import { childExecArgv, round, versionsOf } from '../engine/common.js';
import type { BenchContext, Scenario, ScenarioResult } from '../lib/scenario.js';

const FULL_USERS = 100_000;

const ChildReport = t.type({
  users: t.number,
  eventsPerUser: t.number,
  events: t.number,
  feedMs: t.number,
  rssBare: t.number,
  heapUsedBare: t.number,
  rssBefore: t.number,
  heapUsedBefore: t.number,
  peakRss: t.number,
  peakRssProcess: t.number,
  rssAfter: t.number,
  heapUsedAfter: t.number,
  externalAfter: t.number,
  check: t.type({ inSync: t.boolean, logins: t.number, notifications: t.number, pushesExplained: t.number, usersInView: t.number }),
});
type ChildReport = t.TypeOf<typeof ChildReport>;

/** Runs memory-child.ts with the same loader flags as this process, plus --expose-gc. */
const measure = (users: number): Promise<ChildReport> =>
  new Promise((resolve, reject) => {
    const args = [
      ...childExecArgv('--expose-gc', '--max-old-space-size=8192'),
      fileURLToPath(new URL('../engine/memory-child.ts', import.meta.url)),
      String(users),
    ];
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

const run8 = async (ctx: BenchContext): Promise<ScenarioResult> => {
  const began = Date.now();
  const users = ctx.sized(FULL_USERS, 500);
  ctx.log(`memory: feeding the read models ${users} users in a child process`);
  const r = await measure(users);
  const ok =
    r.check.inSync && r.check.logins === 1 && r.check.notifications === 2 && r.check.pushesExplained === 2 && r.check.usersInView === users;
  if (!ok) throw new Error(`memory: the read models did not take the events as expected (${JSON.stringify(r.check)})`);
  const mb = (b: number) => round(b / 1024 / 1024, 1);
  const rssPerUser = Math.round((r.rssAfter - r.rssBefore) / users);
  const heapPerUser = Math.round((r.heapUsedAfter - r.heapUsedBefore) / users);
  return {
    scenario: 'memory',
    parameters: {
      users,
      eventsPerUser: r.eventsPerUser,
      events: r.events,
      feedSeconds: round(r.feedMs / 1000, 1),
      models: 'syncStatusView, auditLog, portalNotifications, whyView',
      rssBareMB: mb(r.rssBare),
      heapUsedBareMB: mb(r.heapUsedBare),
      rssBeforeMB: mb(r.rssBefore),
      rssAfterMB: mb(r.rssAfter),
      heapUsedBeforeMB: mb(r.heapUsedBefore),
      heapUsedAfterMB: mb(r.heapUsedAfter),
      peakRssProcessMB: mb(r.peakRssProcess),
      process: 'child node --expose-gc --max-old-space-size=8192, after two full GCs',
    },
    baselineDescription:
      'None: reported for sizing. Every figure is a difference from the measuring process\'s own footprint, so it does not include the process itself: RSS and heap used are read after two full GCs at the start (bare), before feeding (read models built, empty) and after feeding. "peak RSS above the bare process" is the sampled peak while feeding minus the bare RSS (it includes the transient decoding garbage); "retained" figures are after − before feeding.',
    figures: [
      {
        name: 'peak RSS above the bare process, while feeding',
        unit: 'MB',
        ours: mb(r.peakRss - r.rssBare),
        note: `${users} users; the bare process itself: RSS ${mb(r.rssBare)} MB, heap used ${mb(r.heapUsedBare)} MB (not included)`,
      },
      {
        name: 'RSS retained by the read models',
        unit: 'MB',
        ours: mb(r.rssAfter - r.rssBefore),
        note: 'RSS after − RSS before feeding, after full GCs',
      },
      {
        name: 'heap retained by the read models',
        unit: 'MB',
        ours: mb(r.heapUsedAfter - r.heapUsedBefore),
        note: 'heap used after − before feeding, after full GCs',
      },
      { name: 'RSS growth per user', unit: 'bytes', ours: rssPerUser, note: '(RSS after − RSS before) ÷ users, after full GCs' },
      { name: 'heap used growth per user', unit: 'bytes', ours: heapPerUser, note: '(heap used after − before) ÷ users, after full GCs' },
    ],
    versions: versionsOf(['@takeover/engine', '@takeover/core']),
    durationMs: Date.now() - began,
  };
};

export const scenario: Scenario = {
  id: 'memory',
  title: 'Memory: the read models for 100,000 users',
  run: run8,
};
