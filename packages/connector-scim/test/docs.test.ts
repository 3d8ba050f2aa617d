import { driftedSnippets } from './snippets.js';

describe('docs show the code that is compiled and tested', () => {
  it('docs/writing-a-connector.md', () => {
    expect(driftedSnippets('docs/writing-a-connector.md')).toEqual([]);
  });

  it('the package README', () => {
    expect(driftedSnippets('packages/connector-scim/README.md')).toEqual([]);
  });
});
