// Rewrites every `<!-- snippet: path[#region] -->` code block in the given markdown files from the
// code it quotes: the rule the docs tests check (`driftedSnippets`), applied.
// Usage: node --import tsx scripts/sync-snippets.mjs docs/writing-a-connector.md [more.md …]  (npm run snippets -- …)
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { syncedSnippets } from '../packages/connector-kit/src/testing/snippets.js';

const root = resolve(import.meta.dirname, '..');
for (const md of process.argv.slice(2)) {
  const path = resolve(root, md);
  const next = syncedSnippets(md, root);
  if (next !== readFileSync(path, 'utf8')) {
    writeFileSync(path, next);
    process.stdout.write(`updated ${md}\n`);
  }
}
