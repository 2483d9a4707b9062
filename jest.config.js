// Projects as STYLE.md §5. Everything runs serially (maxWorkers 1): Temporal's native runtime and the shared
// time-skipping clock do not tolerate concurrent test files on 2 cores, and the suite is I/O-bound anyway.
/** @type {import('jest').Config} */
const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': 'ts-jest' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Stryker's sandboxes (npm run test:mutation) hold a copy of the project.
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/'],
};
const withServers = {
  ...common,
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
};

module.exports = {
  maxWorkers: 1,
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...withServers, displayName: 'workflows', testMatch: ['<rootDir>/test/workflows/**/*.test.ts'] },
    { ...withServers, displayName: 'activities', testMatch: ['<rootDir>/test/activities/**/*.test.ts'] },
    { ...withServers, displayName: 'api', testMatch: ['<rootDir>/test/api/**/*.test.ts'] },
    { ...withServers, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
    // Servers of their own, killed, frozen and restarted (issue 10 §3).
    { ...withServers, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.test.ts'] },
  ],
};
