// One root `npm test` runs every package's tests in one jest process (so the two cores are shared
// well). Sources are transpiled per file by ts-jest (type checking is `tsc -b`'s job in CI), and
// `@takeover/*` resolves to each package's sources, so tests never need a prior build.
/** @type {import('jest').Config} */
const shared = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json', diagnostics: false }],
  },
  moduleNameMapper: {
    '^@takeover/example-host$': '<rootDir>/examples/host/src/index.ts',
    '^@takeover/([a-z0-9-]+)$': '<rootDir>/packages/$1/src/index.ts',
    '^@takeover/read-models/(sqlite|postgres)$': '<rootDir>/packages/read-models/src/$1/index.ts',
    '^@takeover/([a-z0-9-]+)/testing$': '<rootDir>/packages/$1/src/testing/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

module.exports = {
  // A bound against a test or hook that hangs, never a measure of speed: every wait in the tests is on a
  // condition. Generous, because CI machines are shared: at load 15 on two cores, starting two
  // emulators and a PostgreSQL schema in a beforeEach took more than 30 s.
  testTimeout: 120_000,
  reporters: ['default', '<rootDir>/scripts/jest-summary.cjs', '<rootDir>/scripts/jest-open-handles.cjs'],
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{packages,examples}/*/test/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: [...shared.testPathIgnorePatterns, '\\.int\\.test\\.ts$'],
    },
    { ...shared, displayName: 'integration', testMatch: ['<rootDir>/{packages,examples}/*/test/**/*.int.test.ts'] },
  ],
};
