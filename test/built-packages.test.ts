// Jest runs our TypeScript sources transpiled to CommonJS; users run the built ESM under plain
// Node. The two disagree in ways no unit test sees (a directory import such as `fp-ts/Either`,
// a missing `exports` entry, an SDK that only loads one way). This test loads every package's
// built entry points in a plain Node process, as a user's program would. `npm test` builds first.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');

type Manifest = { name: string; exports?: Record<string, unknown> };

const packages = readdirSync(join(root, 'packages')).flatMap((dir) => {
  const file = join(root, 'packages', dir, 'package.json');
  if (!existsSync(file)) return [];
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  const entries = Object.keys(manifest.exports ?? { '.': null }).map((sub) =>
    sub === '.' ? manifest.name : `${manifest.name}${sub.slice(1)}`,
  );
  return [{ dir, entries }];
});

describe('every package loads as built ESM under plain Node', () => {
  test.each(packages)('$dir', ({ dir, entries }) => {
    const dist = join(root, 'packages', dir, 'dist', 'index.js');
    if (!existsSync(dist)) throw new Error(`${dist} is missing: run \`npm test\` (it builds with tsc -b first) or \`npm run build\``);
    const script = `for (const e of ${JSON.stringify(entries)}) { const m = await import(e); if (Object.keys(m).length === 0) throw new Error(e + ' exports nothing'); }`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect({ status: run.status, stderr: run.stderr.trim().split('\n').slice(0, 6).join('\n') }).toEqual({ status: 0, stderr: '' });
  });
});
