import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { minimal } from './readme/minimal.js';

describe('README', () => {
  it('shows the example file verbatim', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toContain(readFileSync(join(__dirname, 'readme', 'minimal.ts'), 'utf8'));
  });

  it('runs the example', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'takeover-readme-'));
    try {
      expect(await minimal(join(dir, 'events.db'))).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
