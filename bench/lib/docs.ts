// Renders docs/performance.md's figures from the committed runs in docs/performance/*.json, so no
// figure in the docs is typed by hand (`npm run bench:docs`; `--check` fails when the docs differ).
//
// In the markdown, `<!-- bench:run <file> -->…<!-- /bench:run -->` is replaced by that run's header
// (kind, start, commit, scale, duration, load, machine) and its table. After the first such marker the
// prose may hold no digit outside generated blocks and inline code: a hand-typed figure cannot survive.
import * as t from 'io-ts';
import { markdownTable, type Outcome } from './table.js';

const FigureC = t.intersection([
  t.type({ name: t.string, unit: t.string, ours: t.number }),
  t.partial({
    baseline: t.number,
    peers: t.record(t.string, t.number),
    ratio: t.number,
    target: t.number,
    targetKind: t.union([t.literal('ratio-at-least'), t.literal('at-most'), t.literal('equals')]),
    met: t.boolean,
    note: t.string,
  }),
]);
const ScenarioC = t.intersection([
  t.type({ scenario: t.string, status: t.union([t.literal('ok'), t.literal('failed')]) }),
  t.partial({ title: t.string, figures: t.array(FigureC), error: t.string, baselineDescription: t.string, durationMs: t.number }),
]);
/** A recorded run, as bench/run.ts --record writes it. */
export const RecordedRun = t.type({
  startedAt: t.string,
  commit: t.string,
  dirty: t.boolean,
  kind: t.union([t.literal('full'), t.literal('partial'), t.literal('smoke')]),
  scale: t.number,
  totalSeconds: t.number,
  load: t.type({ at1mStart: t.number, at1mEnd: t.number }),
  machine: t.type({ cpus: t.number, cpuModel: t.string, memoryGiB: t.number, node: t.string, postgres: t.string }),
  scenarios: t.array(ScenarioC),
});
export type RecordedRun = t.TypeOf<typeof RecordedRun>;

export const outcomesOf = (run: RecordedRun): Outcome[] =>
  run.scenarios.map((s) => ({
    id: s.scenario,
    title: s.title ?? s.scenario,
    status: s.status,
    figures: s.figures ?? [],
    ...(s.error === undefined ? {} : { error: s.error }),
  }));

const KIND: Record<RecordedRun['kind'], string> = {
  full: 'a full run (`npm run bench`, every scenario at full size)',
  partial: 'a partial run (some scenarios, at full size)',
  smoke:
    "**a smoke-scale run, not a full one**: every scenario shrunk by `BENCH_SCALE`, so the sizes are far below the scenarios' full sizes and the figures say little about performance at scale",
};

/** The generated block for one run: header and table. */
export const runBlock = (file: string, run: RecordedRun): string => {
  const m = run.machine;
  return [
    `Source: [performance/${file}](performance/${file}), ${KIND[run.kind]}.`,
    '',
    `- Started ${run.startedAt} at commit \`${run.commit}\`${run.dirty ? ' (with uncommitted changes to tracked files)' : ''}; \`BENCH_SCALE=${run.scale}\`; ${run.totalSeconds} s in all.`,
    `- Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, PostgreSQL ${m.postgres}; 1-minute load average ${run.load.at1mStart} at the start, ${run.load.at1mEnd} at the end.`,
    '',
    markdownTable(outcomesOf(run)),
    '',
    "Each scenario's baseline, as measured in this run:",
    '',
    ...run.scenarios.map((s) => `- \`${s.scenario}\`: ${(s.baselineDescription ?? '—').replaceAll('\n', ' ')}`),
  ].join('\n');
};

const BLOCK = /<!-- bench:run ([^\s]+) -->\n[\s\S]*?<!-- \/bench:run -->/g;

/** docs/performance.md with every bench:run block regenerated; throws naming a block whose run is missing. */
export const renderPerformanceDoc = (markdown: string, runs: ReadonlyMap<string, RecordedRun>): string =>
  markdown.replace(BLOCK, (_all, file: string) => {
    const run = runs.get(file);
    if (run === undefined)
      throw new Error(`docs/performance.md quotes performance/${file}, which is not committed (or not a recorded run)`);
    return `<!-- bench:run ${file} -->\n${runBlock(file, run)}\n<!-- /bench:run -->`;
  });

/** The first run the doc quotes (its chart is docs/performance.svg). */
export const firstQuoted = (markdown: string): string | undefined => /<!-- bench:run ([^\s]+) -->/.exec(markdown)?.[1];

/**
 * Lines after the first bench:run marker that hold a digit outside generated blocks, inline code,
 * link targets and HTML comments: hand-typed figures.
 */
export const handTypedFigures = (markdown: string): string[] => {
  const start = markdown.indexOf('<!-- bench:run ');
  if (start < 0) return [];
  const rest = markdown
    .slice(start)
    .replace(BLOCK, '')
    .replaceAll(/<!--[\s\S]*?-->/g, '')
    .replaceAll(/`[^`\n]*`/g, '')
    .replaceAll(/\]\([^)]*\)/g, ']');
  return rest.split('\n').filter((l) => /\d/.test(l));
};
