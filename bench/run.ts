// `npm run bench [-- <scenario id> ...]`: runs every scenario in bench/scenarios (or the ids given),
// each in its own process with its baseline, prints one table and writes bench/results/latest.json
// (and latest.md, the same table in markdown; latest.svg, a chart of the ratios). BENCH_SCALE shrinks every scenario (0.02 in .ci/run).
// A scenario that throws (or crashes, or outlives BENCH_TIMEOUT_S) is reported as failed, the run
// goes on, and the exit code is 1. Figures are compared in the same run; absolute rates vary with load.
// `--record` also writes the result to docs/performance/<start, ISO 8601 UTC>.json, the committed
// measurements docs/performance.md is generated from (`npm run bench:docs`). Every result carries the
// commit it measured, its start time, the machine's load and the run's parameters.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as t from 'io-ts';
import { pgFromEnv, scaleFromEnv } from './lib/context.js';
import { ratioChart } from './lib/chart.js';
import { describeMachine } from './lib/machine.js';
import type { ScenarioResult } from './lib/scenario.js';
import { type Outcome, markdownTable, textTable } from './lib/table.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const scenarioDir = join(here, 'scenarios');
const resultsDir = join(here, 'results');

/** The order; scenarios not listed here run after these, alphabetically. */
const ORDER = [
  'pg-append',
  'global-order',
  'global-replay',
  'sqlite-append',
  'login-storm',
  'shared-quota',
  'login-latency',
  'rebuild-fold',
  'projection-catchup',
  'projection-latency',
  'memory',
  'restart',
  'console',
];

const available = readdirSync(scenarioDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => basename(f, '.ts'))
  .sort((a, b) => {
    const ia = ORDER.indexOf(a);
    const ib = ORDER.indexOf(b);
    return (ia < 0 ? ORDER.length : ia) - (ib < 0 ? ORDER.length : ib) || a.localeCompare(b);
  });
const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const badFlags = flags.filter((f) => f !== '--record');
if (badFlags.length > 0) {
  process.stderr.write(`unknown option(s): ${badFlags.join(', ')}; the only option is --record\n`);
  process.exit(2);
}
const record = flags.includes('--record');
const asked = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const unknown = asked.filter((id) => !available.includes(id));
if (unknown.length > 0) {
  process.stderr.write(`unknown scenario(s): ${unknown.join(', ')}; available: ${available.join(', ')}\n`);
  process.exit(2);
}
const ids = asked.length > 0 ? available.filter((id) => asked.includes(id)) : available;
const scale = scaleFromEnv();
const timeoutS = Number(process.env.BENCH_TIMEOUT_S ?? '900');

// What a child writes back (bench/lib/child.ts). Figures are checked for shape only loosely: the
// scenario is our own code, typed against lib/scenario.ts.
const ChildOutcome = t.union([
  t.type({
    ok: t.literal(true),
    title: t.string,
    result: t.type({ scenario: t.string, figures: t.array(t.type({ name: t.string, unit: t.string, ours: t.number })) }),
  }),
  t.type({ ok: t.literal(false), error: t.string }),
]);

interface Ran {
  readonly outcome: Outcome;
  readonly json: Record<string, unknown>;
}

const runOne = (id: string, tmp: string): Promise<Ran> =>
  new Promise((resolve) => {
    const began = Date.now();
    const out = join(tmp, `${id}.json`);
    const args = [...process.execArgv];
    if (!args.some((a) => a.includes('takeover-source'))) args.push('--conditions=takeover-source');
    if (!args.some((a) => a.includes('tsx'))) args.push('--import', 'tsx');
    args.push(join(here, 'lib', 'child.ts'), join(scenarioDir, `${id}.ts`), out);
    // Its own process group, so a timeout also ends what the scenario started (e.g. a measuring child).
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'], detached: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, timeoutS * 1000);
    const failed = (error: string): Ran => ({
      outcome: { id, title: id, status: 'failed', figures: [], error },
      json: { scenario: id, status: 'failed', error, durationMs: Date.now() - began },
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve(failed(`could not start: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        resolve(failed(`timed out after ${timeoutS} s (BENCH_TIMEOUT_S)`));
        return;
      }
      let text: string;
      try {
        text = readFileSync(out, 'utf8');
      } catch {
        resolve(failed(`the scenario process ended (${signal ?? String(code)}) without a result`));
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        resolve(failed(`the scenario process wrote an unreadable result: ${text.slice(0, 200)}`));
        return;
      }
      const decoded = ChildOutcome.decode(parsed);
      if (decoded._tag === 'Left') {
        resolve(failed(`the scenario's result does not have the ScenarioResult shape: ${text.slice(0, 200)}`));
        return;
      }
      const o = decoded.right;
      if (!o.ok) {
        resolve(failed(o.error));
        return;
      }
      // Shape checked above; the rest is the scenario's own typed result.
      const result = (parsed as { result: ScenarioResult }).result;
      resolve({
        outcome: { id, title: o.title, status: 'ok', figures: result.figures },
        json: { ...result, scenario: id, title: o.title, status: 'ok' },
      });
    });
  });

/** The commit measured, and whether the working tree had changes to tracked files (then the figures are not exactly that commit's). */
const git = (args: ReadonlyArray<string>): string => {
  try {
    return execFileSync('git', args, { cwd: here, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
};
const commit = git(['rev-parse', 'HEAD']) || 'unknown';
const dirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';

const machine = await describeMachine(pgFromEnv());
process.stderr.write(
  `bench: ${ids.join(', ')} at BENCH_SCALE=${scale} on ${machine.cpus} cores, PostgreSQL ${machine.postgres}, Node ${machine.node}, load ${machine.loadAverage1m}\n`,
);
const tmp = mkdtempSync(join(tmpdir(), 'takeover-bench-'));
const started = Date.now();
const ran: Ran[] = [];
try {
  for (const id of ids) {
    process.stderr.write(`bench: ${id} …\n`);
    const r = await runOne(id, tmp);
    const load = Math.round((loadavg()[0] ?? 0) * 100) / 100;
    ran.push({ outcome: r.outcome, json: { ...r.json, machine: { ...machine, loadAverage1mAfter: load } } });
    process.stderr.write(
      `bench: ${id} ${r.outcome.status} (${Math.round(((r.json.durationMs as number | undefined) ?? 0) / 100) / 10} s, load ${load})\n`,
    );
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
const totalSeconds = Math.round((Date.now() - started) / 100) / 10;
const outcomes = ran.map((r) => r.outcome);
mkdirSync(resultsDir, { recursive: true });
const kind = scale === 1 && ids.length === available.length ? 'full' : scale === 1 ? 'partial' : 'smoke';
const document = `${JSON.stringify(
  {
    date: machine.date,
    startedAt: machine.date,
    commit,
    dirty,
    kind,
    scale,
    totalSeconds,
    parameters: { BENCH_SCALE: scale, BENCH_TIMEOUT_S: timeoutS, scenarios: ids, argv: process.argv.slice(2) },
    load: { at1mStart: machine.loadAverage1m, at1mEnd: Math.round((loadavg()[0] ?? 0) * 100) / 100 },
    machine,
    scenarios: ran.map((r) => r.json),
  },
  null,
  2,
)}\n`;
writeFileSync(join(resultsDir, 'latest.json'), document);
if (record) {
  const recorded = join(here, '..', 'docs', 'performance', `${machine.date.replaceAll(':', '-').replace(/\.\d+Z$/, 'Z')}.json`);
  mkdirSync(join(here, '..', 'docs', 'performance'), { recursive: true });
  writeFileSync(recorded, document);
  process.stderr.write(
    `bench: recorded as ${recorded} (${kind} run${dirty ? ', working tree had uncommitted changes' : ''}); npm run bench:docs regenerates docs/performance.md\n`,
  );
}
writeFileSync(
  join(resultsDir, 'latest.md'),
  `${markdownTable(outcomes)}\n\nBENCH_SCALE=${scale}, ${totalSeconds} s, ${machine.date}, ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, PostgreSQL ${machine.postgres}, load average at start ${machine.loadAverage1m}\n`,
);
writeFileSync(
  join(resultsDir, 'latest.svg'),
  ratioChart(
    outcomes,
    `BENCH_SCALE=${scale}, ${machine.date.slice(0, 16)} UTC, ${machine.cpus} cores, Node ${machine.node}, PostgreSQL ${machine.postgres.split(' ')[0] ?? ''}`,
  ),
);
process.stdout.write(`${textTable(outcomes)}\n\nBENCH_SCALE=${scale}, ${totalSeconds} s; bench/results/latest.json\n`);
const failures = outcomes.filter((o) => o.status === 'failed');
if (failures.length > 0) {
  process.stderr.write(`bench: ${failures.length} scenario(s) failed: ${failures.map((f) => f.id).join(', ')}\n`);
  for (const f of failures) process.stderr.write(`--- ${f.id}\n${f.error ?? ''}\n`);
  process.exitCode = 1;
}
