// Package versions for a result: ours from the workspace, others from bench/node_modules (bench-only
// dependencies such as the peers) or the root node_modules.
import { readFileSync } from 'node:fs';

const versionIn = (file: URL): string | undefined => {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && 'version' in parsed && typeof parsed.version === 'string'
      ? parsed.version
      : undefined;
  } catch {
    return undefined;
  }
};

export const versionOf = (name: string): string => {
  const candidates = name.startsWith('@takeover/')
    ? [`../../packages/${name.slice('@takeover/'.length)}/package.json`]
    : [`../node_modules/${name}/package.json`, `../../node_modules/${name}/package.json`];
  for (const c of candidates) {
    const v = versionIn(new URL(c, import.meta.url));
    if (v !== undefined) return v;
  }
  return 'unknown';
};

/** `{ name: version }` for each name, plus `node`. */
export const versionsOf = (names: ReadonlyArray<string>): Record<string, string> => ({
  ...Object.fromEntries(names.map((n) => [n, versionOf(n)])),
  node: process.version,
});
