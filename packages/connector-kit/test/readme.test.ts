import { resolve } from 'node:path';
import { driftedSnippets } from '@takeover/connector-kit/testing';

const repoRoot = resolve(__dirname, '../../..');

describe('docs', () => {
  it('the README shows the code of its compiled example', () => {
    expect(driftedSnippets('packages/connector-kit/README.md', repoRoot)).toEqual([]);
  });
});
