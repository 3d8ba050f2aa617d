import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const dedent = (lines: ReadonlyArray<string>): string => {
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)?.[0].length ?? 0));
  return lines
    .map((l) => l.slice(indent))
    .join('\n')
    .trim();
};

/** The code a snippet quotes: `// #region name` … `// #endregion name` of `file` (or all of it), dedented. */
export const snippetRegion = (root: string, file: string, name: string | undefined): string => {
  const lines = readFileSync(resolve(root, file), 'utf8').split('\n');
  if (name === undefined) return dedent(lines);
  const start = lines.findIndex((l) => l.trim() === `// #region ${name}`);
  const end = lines.findIndex((l) => l.trim() === `// #endregion ${name}`);
  if (start < 0 || end < start) throw new Error(`${file}: no region ${name}`);
  return dedent(lines.slice(start + 1, end));
};

/**
 * Docs show code that is compiled and tested: every code block in `markdown` preceded by
 * `<!-- snippet: path[#region] -->` must equal that file's `// #region name` … `// #endregion name`
 * (or the whole file without a region). Paths are relative to `root` (the repository). Returns the
 * blocks that drifted, and a line saying so when the page has no snippet at all.
 */
export const driftedSnippets = (markdown: string, root: string): ReadonlyArray<string> => {
  const text = readFileSync(resolve(root, markdown), 'utf8');
  const re = /<!-- snippet: ([^#\s]+)(?:#(\S+))? -->\s*```[a-z]*\n([\s\S]*?)```/g;
  const drifted: string[] = [];
  let count = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    count++;
    const [, file = '', name, block = ''] = m;
    if (snippetRegion(root, file, name) !== block.trim()) drifted.push(`${file}#${name ?? ''}`);
  }
  if (count === 0) drifted.push(`${markdown}: no snippets found`);
  return drifted;
};

/** `markdown` with every snippet block rewritten from the code it quotes (what `scripts/sync-snippets.mjs` writes). */
export const syncedSnippets = (markdown: string, root: string): string =>
  readFileSync(resolve(root, markdown), 'utf8').replace(
    /(<!-- snippet: ([^#\s]+)(?:#(\S+))? -->\s*```[a-z]*\n)([\s\S]*?)```/g,
    (_all, head: string, file: string, name: string | undefined) => `${head}${snippetRegion(root, file, name)}\n\`\`\``,
  );
