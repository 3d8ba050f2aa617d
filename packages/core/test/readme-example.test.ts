import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { carryOut, todo } from './examples/minimal.js';

describe('the README example', () => {
  test('is the real, compiled file', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const source = readFileSync(join(__dirname, 'examples', 'minimal.ts'), 'utf8');
    expect(readme).toContain(source.trim());
  });

  test('folds a history and says what is owed', () => {
    expect(todo.pushes.map((p) => [p.directoryId, p.reason, p.needsPlaintext])).toEqual([['m365', 'takeover', true]]);
    expect(todo.notices.map((n) => n.kind)).toEqual(['binding']);
    expect(carryOut.map((p) => p.pushId)).toEqual(['push/ada/m365/1/ada%40contoso.com/2/1/password']);
  });
});
