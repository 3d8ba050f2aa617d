import { ambiguityChecks } from './checksAmbiguity.js';
import { externalChangeChecks } from './checksExternal.js';
import { faultChecks } from './checksFaults.js';
import { pushChecks } from './checksPush.js';
import { resolveChecks } from './checksResolve.js';
import type { ConformanceCheck } from './run.js';

/**
 * Every check of the conformance suite, by name. Each runs against a fresh fixture from the factory,
 * and after each the harness searches all captured output for the passwords the check used.
 */
export const conformanceChecks: ReadonlyArray<ConformanceCheck> = [
  ...resolveChecks,
  ...pushChecks,
  ...faultChecks,
  ...ambiguityChecks,
  ...externalChangeChecks,
];

export const conformanceCheck = (name: string): ConformanceCheck => {
  const check = conformanceChecks.find((c) => c.name === name);
  if (check === undefined) throw new TypeError(`no conformance check named "${name}"`);
  return check;
};
