import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from './harness.js';
import { minimal } from './examples/minimal.js';

test('README: the minimal example runs, and the README shows exactly this file', async () => {
  const dir = await tempDir('host-readme-');
  try {
    expect(await minimal(dir)).toEqual([
      'Your password was updated in Google Workspace (example.com).',
      'Your password was updated in Microsoft 365 (example.com). You were signed out of your other sessions there: sign in again with your new password.',
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  expect(readme).toContain(readFileSync(join(__dirname, 'examples', 'minimal.ts'), 'utf8').trim());
});
