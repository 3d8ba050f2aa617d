// The top-level README quotes the quick start from test/quickstart/quickstart.ts (which
// scripts/pack-check.sh compiles and runs from the packed tarballs): the quote must not drift.
// `npm run snippets -- README.md` rewrites it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { driftedSnippets } from '@takeover/connector-kit/testing';

test("the README's quick start is the code the pack check runs", () => {
  expect(driftedSnippets('README.md', join(__dirname, '..'))).toEqual([]);
});

// The pack check installs every tarball, so it cannot notice an install line that forgot one: this
// checks that the README's `npm install` lines name every package the quick start imports.
test("the README's install lines name every package the quick start imports", () => {
  const root = join(__dirname, '..');
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Use the library'), readme.indexOf('<!-- snippet: test/quickstart/quickstart.ts'));
  const installed = new Set(
    [...section.matchAll(/^npm install ((?:[^\n]*\\\n)*[^\n]*)$/gm)].flatMap((m) =>
      (m[1] ?? '')
        .replace(/#.*$/gm, '')
        .split(/[\s\\]+/)
        .filter((w) => w !== '' && !w.startsWith('-')),
    ),
  );
  const source = readFileSync(join(root, 'test', 'quickstart', 'quickstart.ts'), 'utf8');
  const imported = new Set(
    [...source.matchAll(/from '([^'.][^']*)'/g)]
      .map((m) => m[1] ?? '')
      .filter((spec) => !spec.startsWith('node:'))
      .map((spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2) : spec.split('/').slice(0, 1)).join('/')),
  );
  expect(imported.size).toBeGreaterThan(3);
  expect([...imported].filter((name) => !installed.has(name))).toEqual([]);
});
