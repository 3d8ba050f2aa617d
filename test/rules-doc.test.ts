// docs/rules.md defines the rules the code cites (R1, R2, …): every rule cited in a source file is
// defined there, every rule lists at least one existing test file that cites it, and every page of
// the docs that cites a rule links there.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = join(__dirname, '..');
const rulesPath = join(root, 'docs', 'rules.md');

const filesUnder = (dir: string, keep: (path: string) => boolean): string[] =>
  readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path, keep) : keep(path) ? [path] : [];
  });

const cited = (text: string): Set<string> => new Set(text.match(/\bR\d{1,2}\b/g) ?? []);

/** `## R3: title` → the section's text up to the next rule. */
const sections = (): Map<string, string> => {
  const text = readFileSync(rulesPath, 'utf8');
  const found = new Map<string, string>();
  const parts = text.split(/^## (R\d{1,2}):/m);
  for (let i = 1; i + 1 < parts.length; i += 2) found.set(parts[i] ?? '', parts[i + 1] ?? '');
  return found;
};

test('every rule cited in the code is defined in docs/rules.md', () => {
  const defined = sections();
  const sources = [
    ...readdirSync(join(root, 'packages')).flatMap((p) => {
      const src = join(root, 'packages', p, 'src');
      return existsSync(src) ? filesUnder(src, (f) => f.endsWith('.ts')) : [];
    }),
    ...filesUnder(join(root, 'examples', 'host', 'src'), (f) => f.endsWith('.ts')),
    ...filesUnder(join(root, 'bench'), (f) => f.endsWith('.ts')),
  ];
  expect(sources.length).toBeGreaterThan(50);
  const undefinedRules = sources.flatMap((f) =>
    [...cited(readFileSync(f, 'utf8'))].filter((r) => !defined.has(r)).map((r) => `${relative(root, f)}: ${r}`),
  );
  expect(undefinedRules).toEqual([]);
  expect([...defined.keys()]).toEqual(Array.from({ length: 17 }, (_, i) => `R${i + 1}`));
});

test('every rule lists at least one existing test file, and each listed file cites that rule', () => {
  for (const [rule, body] of sections()) {
    const links = [...body.matchAll(/\]\((\.\.\/[^)]+\.test\.ts)\)/g)].map((m) => resolve(root, 'docs', m[1] ?? ''));
    expect({ rule, tests: links.length > 0 }).toEqual({ rule, tests: true });
    for (const file of links) {
      expect({ rule, file: relative(root, file), exists: existsSync(file) }).toEqual({ rule, file: relative(root, file), exists: true });
      expect({ rule, file: relative(root, file), cites: cited(readFileSync(file, 'utf8')).has(rule) }).toEqual({
        rule,
        file: relative(root, file),
        cites: true,
      });
    }
  }
});

test('every page of the docs and every README that cites a rule links to docs/rules.md', () => {
  const pages = [
    join(root, 'README.md'),
    ...filesUnder(join(root, 'docs'), (f) => f.endsWith('.md') && f !== rulesPath),
    ...['packages', 'examples'].flatMap((dir) =>
      readdirSync(join(root, dir))
        .map((p) => join(root, dir, p, 'README.md'))
        .filter((f) => existsSync(f)),
    ),
  ];
  expect(pages.length).toBeGreaterThan(20);
  const unlinked = pages
    .filter((f) => cited(readFileSync(f, 'utf8')).size > 0)
    .filter((f) => !/\]\((\.\.\/)*(docs\/)?rules\.md[#)]/.test(readFileSync(f, 'utf8')))
    .map((f) => relative(root, f));
  expect(unlinked).toEqual([]);
});
