export type { Fault, SeedUser, ConformanceTarget, ConformanceFixture, ConformanceEnvironment, ConformanceFactory } from './target.js';
export type { ConformanceCheck, CheckContext, CheckResult } from './run.js';
export { runConformanceCheck } from './run.js';
export { conformanceChecks, conformanceCheck } from './checks.js';
export { runConformance, describeConformance } from './describe.js';
export { inMemoryDirectory } from './in-memory.js';
export type { InMemoryDirectoryOptions } from './in-memory.js';
export { driftedSnippets } from './snippets.js';
