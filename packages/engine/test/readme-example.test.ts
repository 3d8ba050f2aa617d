import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { minimal } from './examples/minimal.js';

test('README: the minimal example runs, and the README shows exactly this file', async () => {
  expect(await minimal()).toEqual(['Your password was updated in Google Workspace (example.com).']);
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  expect(readme).toContain(readFileSync(join(__dirname, 'examples', 'minimal.ts'), 'utf8').trim());
});
