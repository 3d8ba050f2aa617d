import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const repoRoot = resolve(__dirname, '../../..');

const dedent = (lines: ReadonlyArray<string>): string => {
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)?.[0].length ?? 0));
  return lines.map((l) => l.slice(indent)).join('\n').trim();
};

const region = (file: string, name: string): string => {
  const lines = readFileSync(resolve(repoRoot, file), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.trim() === `// #region ${name}`);
  const end = lines.findIndex((l) => l.trim() === `// #endregion ${name}`);
  if (start < 0 || end < start) throw new Error(`${file}: no region ${name}`);
  return dedent(lines.slice(start + 1, end));
};

/** Code blocks after `<!-- snippet: path#region -->` that no longer equal that region (docs show tested code). */
export const driftedSnippets = (markdown: string): ReadonlyArray<string> => {
  const text = readFileSync(resolve(repoRoot, markdown), 'utf8');
  const re = /<!-- snippet: (\S+)#(\S+) -->\s*```[a-z]*\n([\s\S]*?)```/g;
  const drifted: string[] = [];
  let count = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    count++;
    const [, file = '', name = '', block = ''] = m;
    if (region(file, name) !== block.trim()) drifted.push(`${file}#${name}`);
  }
  return count === 0 ? [`${markdown}: no snippets found`] : drifted;
};
