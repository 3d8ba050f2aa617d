// `npm run bench:docs`: regenerates docs/performance.md's run blocks and docs/performance.svg from the
// committed runs in docs/performance/*.json (bench/lib/docs.ts). `--check` writes nothing and exits 1
// when either file differs from what would be generated, or when the prose after the first run block
// holds a hand-typed figure (a test in `npm test` runs it).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ratioChart } from './lib/chart.js';
import { RecordedRun, firstQuoted, handTypedFigures, outcomesOf, renderPerformanceDoc } from './lib/docs.js';

const docs = fileURLToPath(new URL('../docs/', import.meta.url));
const runsDir = join(docs, 'performance');
const docFile = join(docs, 'performance.md');
const svgFile = join(docs, 'performance.svg');
const check = process.argv.includes('--check');

const runs = new Map<string, RecordedRun>();
for (const file of existsSync(runsDir)
  ? readdirSync(runsDir)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : []) {
  const decoded = RecordedRun.decode(JSON.parse(readFileSync(join(runsDir, file), 'utf8')));
  if (decoded._tag === 'Left') throw new Error(`docs/performance/${file} is not a recorded run (bench/run.ts --record writes them)`);
  runs.set(file, decoded.right);
}

const current = readFileSync(docFile, 'utf8');
const doc = renderPerformanceDoc(current, runs);
const chartOf = firstQuoted(doc);
const chartRun = chartOf === undefined ? undefined : runs.get(chartOf);
const svg =
  chartRun === undefined
    ? undefined
    : ratioChart(
        outcomesOf(chartRun),
        `${chartOf ?? ''}: ${chartRun.kind} run, BENCH_SCALE=${chartRun.scale}, commit ${chartRun.commit.slice(0, 10)}, ${chartRun.machine.cpus} cores, load ${chartRun.load.at1mStart}`,
      );

const problems: string[] = [];
const typed = handTypedFigures(doc);
if (typed.length > 0)
  problems.push(
    `docs/performance.md has figures outside the generated blocks (generate them from a recorded run, or drop them):\n${typed.map((l) => `  ${l}`).join('\n')}`,
  );
if (check) {
  if (doc !== current) problems.push('docs/performance.md differs from what the recorded runs generate: run `npm run bench:docs`');
  if (svg !== undefined && (!existsSync(svgFile) || readFileSync(svgFile, 'utf8') !== svg))
    problems.push('docs/performance.svg differs from the chart of the first quoted run: run `npm run bench:docs`');
} else {
  writeFileSync(docFile, doc);
  if (svg !== undefined) writeFileSync(svgFile, svg);
}
if (problems.length > 0) {
  process.stderr.write(`${problems.join('\n')}\n`);
  process.exitCode = 1;
} else if (!check) {
  process.stdout.write(`docs/performance.md and performance.svg generated from ${runs.size} recorded run(s)\n`);
}
