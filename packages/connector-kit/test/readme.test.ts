import { driftedSnippets } from './snippets.js';

describe('docs', () => {
  it('the README shows the code of its compiled example', () => {
    expect(driftedSnippets('packages/connector-kit/README.md')).toEqual([]);
  });
});
