// API reports (issue 16): the public surface of every published package, as api-extractor's
// `.api.md` report, committed under packages/<name>/api/ — one per entry point
// (`<name>.api.md` for the main entry, `<name>-testing.api.md` for `/testing`), so a change to the
// surface shows in review.
//
//   npm run api         builds the packages (tsc -b, incremental) and rewrites the reports
//   npm run api:check   the same, but fails (exit 1) naming every report that differs, writing nothing
//   npm run api -- engine core   only those packages (about 20 s each on a busy machine)
//
// Why api-extractor: it is the maintained standard for exactly this (Microsoft's Rush Stack), reads
// the emitted .d.ts (what a consumer sees, not the sources), and its report is a stable, sorted,
// reviewable text. It does one entry point per run, so this script runs it once per entry point,
// in one process (about a second each once the packages are built).
//
// Forgotten exports fail both commands: a type the surface uses must be importable by the caller
// (ae-forgotten-export). The one exception is a `/testing` entry using a type its own package's
// main entry exports — the caller imports that from the main entry, which api-extractor cannot see
// (it analyses one entry point at a time), so the script checks it against the main entry's exports.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '..');
const check = process.argv.includes('--check');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));

const packages = readdirSync(join(root, 'packages'))
  .filter((name) => only.length === 0 || only.includes(name))
  .map((name) => ({ name, dir: join(root, 'packages', name) }))
  .filter(({ dir }) => existsSync(join(dir, 'package.json')))
  .filter(({ dir }) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).private !== true);

execFileSync('npx', ['--no-install', 'tsc', '-b', ...packages.map((p) => p.dir)], { cwd: root, stdio: 'inherit' });

/** The names a module's .d.ts exports (as declared, following re-exports and aliases). */
const exportedNames = (file) => {
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const moduleSymbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
  const names = new Set();
  for (const symbol of moduleSymbol === undefined ? [] : checker.getExportsOfModule(moduleSymbol)) {
    names.add(symbol.name);
    if (symbol.flags & ts.SymbolFlags.Alias) names.add(checker.getAliasedSymbol(symbol).name);
  }
  return names;
};

const temp = mkdtempSync(join(tmpdir(), 'takeover-api-'));
const problems = [];
const changed = [];
try {
  for (const { name, dir } of packages) {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const mainTypes = manifest.exports?.['.']?.types;
    const mainExports = mainTypes === undefined ? new Set() : exportedNames(join(dir, mainTypes));
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const types = typeof target === 'object' ? target.types : undefined;
      if (types === undefined) continue;
      const reportName = subpath === '.' ? name : `${name}-${subpath.replace(/^\.\//, '').replaceAll('/', '-')}`;
      mkdirSync(join(dir, 'api'), { recursive: true });
      const config = ExtractorConfig.prepare({
        configObjectFullPath: join(dir, 'api-extractor.json'), // not on disk: the config is this object
        packageJsonFullPath: join(dir, 'package.json'),
        configObject: {
          projectFolder: dir,
          mainEntryPointFilePath: join(dir, types),
          bundledPackages: [],
          compiler: {
            overrideTsconfig: {
              compilerOptions: {
                strict: true,
                target: 'ES2022',
                lib: ['ES2023'],
                module: 'NodeNext',
                moduleResolution: 'NodeNext',
                types: ['node', 'jest'],
                skipLibCheck: true,
              },
              files: [join(dir, types)],
            },
          },
          apiReport: {
            enabled: true,
            reportFileName: `${reportName}.api.md`,
            reportFolder: join(dir, 'api'),
            reportTempFolder: join(temp, name),
          },
          docModel: { enabled: false },
          dtsRollup: { enabled: false },
          tsdocMetadata: { enabled: false },
          newlineKind: 'lf',
          messages: {
            compilerMessageReporting: { default: { logLevel: 'warning' } },
            extractorMessageReporting: {
              default: { logLevel: 'none' },
              // A type the surface uses but the entry point does not export: a problem (see the top).
              'ae-forgotten-export': { logLevel: 'warning', addToApiReportFile: false },
            },
            tsdocMessageReporting: { default: { logLevel: 'none' } },
          },
        },
      });
      const result = Extractor.invoke(config, {
        localBuild: !check,
        showVerboseMessages: false,
        messageCallback: (message) => {
          const forgotten = message.messageId === 'ae-forgotten-export' ? /The symbol "([^"]+)"/.exec(message.text)?.[1] : undefined;
          if (forgotten !== undefined && subpath !== '.' && mainExports.has(forgotten)) {
            message.logLevel = 'none'; // exported by the package's main entry: the caller can import it
          } else if (forgotten !== undefined) {
            problems.push(
              `${reportName}: "${forgotten}" is used by the public surface but not exported (${message.sourceFilePath}:${message.sourceFileLine})`,
            );
            message.logLevel = 'none';
          } else if (String(message.messageId).startsWith('console-api-report')) {
            // "changed", "created", "copied": reported below
            message.logLevel = 'none';
          } else if (message.logLevel === 'warning' || message.logLevel === 'error') {
            problems.push(`${reportName}: ${message.text}`);
            message.logLevel = 'none';
          } else {
            message.logLevel = 'none';
          }
        },
      });
      if (result.apiReportChanged) changed.push(`packages/${name}/api/${reportName}.api.md`);
      if (result.errorCount > 0 && !result.apiReportChanged)
        problems.push(`${reportName}: api-extractor reported ${result.errorCount} error(s)`);
    }
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}

for (const p of problems) console.error(p);
if (check && changed.length > 0) {
  console.error(`The public API changed without its report (run \`npm run api\` and commit the reports):\n  ${changed.join('\n  ')}`);
  process.exit(1);
}
console.log(
  check
    ? `API reports up to date (${packages.length} packages)`
    : changed.length === 0
      ? 'API reports unchanged'
      : `API reports written:\n  ${changed.join('\n  ')}`,
);
if (problems.length > 0) process.exit(1);
