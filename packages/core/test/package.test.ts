import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

describe('the core stays pure', () => {
  test('runtime dependencies are fp-ts and io-ts only', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      peerDependencies?: unknown;
    };
    expect(Object.keys(pkg.dependencies ?? {}).sort()).toEqual(['fp-ts', 'io-ts']);
    expect(pkg.peerDependencies).toBeUndefined();
  });

  test('no source imports node:*, another Takeover package, or reads a clock or randomness', () => {
    const offenders = sources(join(root, 'src')).filter((f) =>
      /from '(node:|@takeover\/)|\bDate\.now\(|Math\.random\(|\bprocess\./.test(readFileSync(f, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
