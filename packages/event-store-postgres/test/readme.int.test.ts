import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dropSchema, randomSchema, testPool } from './pgTestPool.js';
import { minimal } from './readme/minimal.js';

describe('README', () => {
  it('shows the example file verbatim', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toContain(readFileSync(join(__dirname, 'readme', 'minimal.ts'), 'utf8'));
  });

  it('runs the example', async () => {
    const pool = testPool(2);
    const schema = randomSchema();
    try {
      expect(await minimal(pool, schema)).toBe(1);
    } finally {
      await dropSchema(pool, schema);
      await pool.end();
    }
  });
});
