// Runs one scenario in its own process (bench/run.ts starts one per scenario, so a peer that changes
// process-wide settings, a crash or a leak stays in its scenario) and writes its outcome as JSON to
// the file named by the second argument: `{ ok: true, result }` or `{ ok: false, error }`.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { makeContext, scaleFromEnv } from './context.js';
import type { Scenario } from './scenario.js';

const isScenario = (v: unknown): v is Scenario =>
  typeof v === 'object' &&
  v !== null &&
  'id' in v &&
  typeof v.id === 'string' &&
  'run' in v &&
  typeof v.run === 'function' &&
  'title' in v &&
  typeof v.title === 'string';

const [file, out] = process.argv.slice(2);
if (file === undefined || out === undefined) throw new Error('usage: child.ts <scenario file> <result file>');

const outcome = await (async () => {
  try {
    const mod: unknown = await import(pathToFileURL(file).href);
    const scenario = typeof mod === 'object' && mod !== null && 'scenario' in mod ? mod.scenario : undefined;
    if (!isScenario(scenario)) throw new Error(`${file} does not export \`scenario: Scenario\` ({ id, title, run })`);
    const result = await scenario.run(makeContext(scaleFromEnv(), scenario.id));
    return { ok: true as const, title: scenario.title, result };
  } catch (e) {
    return { ok: false as const, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
})();
writeFileSync(
  out,
  JSON.stringify(outcome, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
);
// Scenarios close what they open; a forgotten handle must not hang the run.
process.exit(0);
