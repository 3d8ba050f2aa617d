// docs/performance.md quotes only figures generated from runs committed in docs/performance/*.json
// (`npm run bench:docs`): this fails when the page or its chart differ from what the committed runs
// generate, when it quotes a run that is not committed, or when its prose holds a hand-typed figure.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..');

test('docs/performance.md and performance.svg are what `npm run bench:docs` generates from the committed runs', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'docs.ts'), '--check'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect({ status: run.status, stderr: run.stderr.trim() }).toEqual({ status: 0, stderr: '' });
});
