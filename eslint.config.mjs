// Type-aware lint for the whole monorepo. The import bans keep the architecture's arrows visible:
// `core` is pure (no node:*, no SDK, no adapter), and nothing outside the host wires adapters.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import checkFile from 'eslint-plugin-check-file';

// fp-ts and io-ts have no `exports` map: `fp-ts/Either` type-checks but is a directory import that
// Node's ESM loader refuses at run time. Their modules are imported as `fp-ts/lib/Either.js`.
const fpTsDeepImport = {
  regex: '^(fp-ts|io-ts)/(?!lib/.+\\.js$)',
  message: 'Import fp-ts/io-ts modules as `fp-ts/lib/<Module>.js` (a bare `fp-ts/Either` breaks the built ESM).',
};

const sdkAndAdapterPatterns = [
  'node:*',
  'fs',
  'path',
  'os',
  'crypto',
  'http',
  'https',
  'net',
  'child_process',
  'util',
  'events',
  'stream',
  '@takeover/*',
  'pg',
  'better-sqlite3',
  '@eventstore/*',
  'googleapis',
  '@googleapis/*',
  'google-auth-library',
  '@azure/*',
  '@microsoft/*',
  'fastify',
  'pino',
  'nodemailer',
];

export default tseslint.config(
  // test/quickstart/misuse.ts holds two API mistakes on purpose: scripts/pack-check.sh lints it in a
  // consumer project and fails unless both are reported.
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.tsbuild/**',
      'coverage/**',
      'bench/results/**',
      '**/*.js',
      '**/*.cjs',
      '**/*.mjs',
      'test/quickstart/misuse.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [fpTsDeepImport] }],
    },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            fpTsDeepImport,
            {
              group: sdkAndAdapterPatterns,
              message: 'packages/core is pure: no Node built-ins, SDKs or other Takeover packages (see docs/architecture.md).',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'core reads no environment.' },
        { name: 'Date', message: 'core reads no clock: time arrives on commands.' },
        { name: 'setTimeout', message: 'core does no I/O or scheduling.' },
        { name: 'fetch', message: 'core does no I/O.' },
        { name: 'crypto', message: 'core reads no randomness: ids arrive on commands.' },
      ],
    },
  },
  // One file-naming convention (docs/contributing.md): modules are camelCase (`hostApp.ts`,
  // `checksPush.ts`); test files and benchmark scenarios are kebab-case, as they name a behaviour or
  // a benchmark id (`two-hosts.int.test.ts`, `login-storm.ts`); folders are kebab-case.
  {
    files: ['**/*.ts'],
    plugins: { 'check-file': checkFile },
    rules: {
      'check-file/filename-naming-convention': [
        'error',
        {
          '**/*.test.ts': 'KEBAB_CASE',
          'bench/scenarios/*.ts': 'KEBAB_CASE',
          '{packages,examples,test,scripts}/**/!(*.test).ts': 'CAMEL_CASE',
          'bench/{*,engine/*,lib/*}.ts': 'CAMEL_CASE',
        },
        { ignoreMiddleExtensions: true },
      ],
      'check-file/folder-naming-convention': ['error', { '**/': 'KEBAB_CASE' }],
    },
  },
  {
    files: ['packages/*/test/**/*.ts', 'examples/*/test/**/*.ts'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
