import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { minimal } from './readme/minimal.js';

describe('README', () => {
  it('shows the example file verbatim (compiled here; run by the contract suite when EVENTSTORE_URL is set)', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toContain(readFileSync(join(__dirname, 'readme', 'minimal.ts'), 'utf8'));
    expect(typeof minimal).toBe('function');
  });
});
