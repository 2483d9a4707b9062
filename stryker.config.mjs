// Mutation testing of the pure modules against the unit tests (docs/testing.md). Run by hand: `npm run test:mutation`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'jest.mutation.config.mjs', enableFindRelatedTests: true },
  checkers: ['typescript'],
  // The checker compiles only the mutated files and what they import: with the whole project (tests, workflows,
  // bench) in its program, type-checking each mutant took three times as long as running its tests.
  tsconfigFile: 'tsconfig.mutation.json',
  coverageAnalysis: 'perTest',
  // The machine is shared (2 cores): one jest process and one type checker per mutant at a time is enough.
  concurrency: 2,
  mutate: [
    'src/domain/**/*.ts',
    // Being rewritten separately; add it back once that lands.
    '!src/domain/login-throttle.ts',
    'src/security/**/*.ts',
    'src/config.ts',
    'src/api/problem.ts',
    'src/notifications/mail-templates.ts',
  ],
  // Nothing the unit tests read lives there; copying .tools (hundreds of MB) into every sandbox would be slow.
  ignorePatterns: ['.data', '.tools', 'dist', 'coverage', 'reports', 'bench/results', 'docker', 'docs'],
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // Read and written only with `--incremental` (docs/testing.md).
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  thresholds: { high: 90, low: 85, break: 85 },
  tempDirName: '.stryker-tmp',
};
