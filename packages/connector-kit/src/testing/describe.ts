import { conformanceChecks } from './checks.js';
import type { CheckResult } from './run.js';
import { runConformanceCheck } from './run.js';
import type { ConformanceFactory } from './target.js';

/** Runs every check, in order; for scripts and for testing the suite itself. */
export const runConformance = async (
  factory: ConformanceFactory,
): Promise<ReadonlyArray<{ readonly name: string; readonly result: CheckResult }>> => {
  const results: Array<{ name: string; result: CheckResult }> = [];
  for (const check of conformanceChecks) results.push({ name: check.name, result: await runConformanceCheck(check, factory) });
  return results;
};

/** The jest wrapper: one `it` per check, failing with the check's message. */
export const describeConformance = (name: string, factory: ConformanceFactory): void => {
  describe(`${name} conforms to DirectoryConnector`, () => {
    for (const check of conformanceChecks) {
      it(check.name, async () => {
        const result = await runConformanceCheck(check, factory);
        if (result.status === 'failed') throw new Error(result.message);
      });
    }
  });
};
