import { ambiguityChecks } from './checks-ambiguity.js';
import { faultChecks } from './checks-faults.js';
import { pushChecks } from './checks-push.js';
import { resolveChecks } from './checks-resolve.js';
import type { ConformanceCheck } from './run.js';

/**
 * Every check of the conformance suite, by name. Each runs against a fresh fixture from the factory,
 * and after each the harness searches all captured output for the passwords the check used.
 */
export const conformanceChecks: ReadonlyArray<ConformanceCheck> = [...resolveChecks, ...pushChecks, ...faultChecks, ...ambiguityChecks];

export const conformanceCheck = (name: string): ConformanceCheck => {
  const check = conformanceChecks.find((c) => c.name === name);
  if (check === undefined) throw new TypeError(`no conformance check named "${name}"`);
  return check;
};
