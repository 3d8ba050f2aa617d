import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { minimal } from './readme/minimal.js';

describe('README', () => {
  it('shows the example file verbatim', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toContain(readFileSync(join(__dirname, 'readme', 'minimal.ts'), 'utf8'));
  });

  it('runs the example', async () => {
    expect(await minimal()).toEqual(['ada@example.com']);
  });
});
