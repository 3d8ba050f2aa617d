// The top-level README quotes the quick start from test/quickstart/quickstart.ts (which
// scripts/pack-check.sh compiles and runs from the packed tarballs): the quote must not drift.
// `npm run snippets -- README.md` rewrites it.
import { join } from 'node:path';
import { driftedSnippets } from '@takeover/connector-kit/testing';

test("the README's quick start is the code the pack check runs", () => {
  expect(driftedSnippets('README.md', join(__dirname, '..'))).toEqual([]);
});
