import { resolve } from 'node:path';
import { driftedSnippets } from '@takeover/connector-kit/testing';

const repoRoot = resolve(__dirname, '../../..');

describe('docs show the code that is compiled and tested', () => {
  it('docs/writing-a-connector.md', () => {
    expect(driftedSnippets('docs/writing-a-connector.md', repoRoot)).toEqual([]);
  });

  it('the package README', () => {
    expect(driftedSnippets('packages/connector-scim/README.md', repoRoot)).toEqual([]);
  });
});
