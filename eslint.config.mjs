// Type-aware lint for the whole monorepo. The import bans keep the architecture's arrows visible:
// `core` is pure (no node:*, no SDK, no adapter), and nothing outside the host wires adapters.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.tsbuild/**', 'coverage/**', 'bench/results/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
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
  {
    files: ['packages/*/test/**/*.ts', 'examples/*/test/**/*.ts'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
