#!/usr/bin/env node
// Rewrites every `<!-- snippet: path[#region] -->` code block in the given markdown files from the
// code it quotes (the same rule the docs tests check: @takeover/connector-kit/testing driftedSnippets).
// Usage: node scripts/sync-snippets.mjs docs/writing-a-connector.md [more.md …]
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dedent = (lines) => {
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)[0].length));
  return lines.map((l) => l.slice(indent)).join('\n').trim();
};
const region = (file, name) => {
  const lines = readFileSync(resolve(root, file), 'utf8').split('\n');
  if (name === undefined) return dedent(lines);
  const start = lines.findIndex((l) => l.trim() === `// #region ${name}`);
  const end = lines.findIndex((l) => l.trim() === `// #endregion ${name}`);
  if (start < 0 || end < start) throw new Error(`${file}: no region ${name}`);
  return dedent(lines.slice(start + 1, end));
};
for (const md of process.argv.slice(2)) {
  const path = resolve(root, md);
  const text = readFileSync(path, 'utf8');
  const next = text.replace(/(<!-- snippet: ([^#\s]+)(?:#(\S+))? -->\s*```[a-z]*\n)([\s\S]*?)```/g,
    (_all, head, file, name) => `${head}${region(file, name)}\n\`\`\``);
  if (next !== text) { writeFileSync(path, next); console.log(`updated ${md}`); }
}
