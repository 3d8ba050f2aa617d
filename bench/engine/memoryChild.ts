// The memory benchmark's measuring process (run by bench/scenarios/memory.ts as
// `node --expose-gc … memoryChild.ts <dataDir>`): starts the example host (createHostApp, the
// wiring `npm start` uses: SQLite event store with its read models in the same file, the demo
// emulators, the host database) on a DATA_DIR the scenario seeded, waits until the host is ready
// (its persisted read models caught up, exactly what /readyz checks), runs full GCs and prints one
// JSON line: the process's RSS and heap used, bare (before the host is loaded) and with the host up.
import * as E from 'fp-ts/lib/Either.js';
import { createHostApp, describeConfigErrors, loadConfig } from '@takeover/example-host';
import { hostEnv } from './hostSeed.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('memoryChild: run with node --expose-gc');
gc();
gc();
const bare = process.memoryUsage();

const dataDir = process.argv[2];
if (dataDir === undefined) throw new Error('memoryChild: usage memoryChild.ts <dataDir>');
const config = loadConfig(hostEnv(dataDir, 0));
if (E.isLeft(config)) throw new Error(describeConfigErrors(config.left));

const started = Date.now();
const app = await createHostApp(config.right, { emulatorScryptN: 1024, logStream: process.stderr });
const limit = Date.now() + 30 * 60_000;
for (;;) {
  const r = await app.ready();
  if (r.ready) break;
  if (Date.now() > limit) throw new Error(`memoryChild: the host was not ready after 30 minutes: ${JSON.stringify(r.checks)}`);
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const readyMs = Date.now() - started;

// Three readings after full GCs; the median (a reading can catch a timer's or a poll's garbage).
const samples: Array<{ rss: number; heapUsed: number; external: number }> = [];
for (let i = 0; i < 3; i++) {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  gc();
  const m = process.memoryUsage();
  samples.push({ rss: m.rss, heapUsed: m.heapUsed, external: m.external });
}
const mid = <K extends 'rss' | 'heapUsed' | 'external'>(k: K): number => [...samples].sort((a, b) => a[k] - b[k])[1]?.[k] ?? Number.NaN;
const peakRss = process.resourceUsage().maxRSS * 1024;
await app.close(0);
process.stdout.write(
  `${JSON.stringify({ readyMs, rssBare: bare.rss, heapUsedBare: bare.heapUsed, rss: mid('rss'), heapUsed: mid('heapUsed'), external: mid('external'), peakRss })}\n`,
);
