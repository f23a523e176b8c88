// Tests are compiled by tsc (npm test runs it first) and run from dist/, so no TypeScript
// transformer sits between the code and the test run.
/** @type {import('jest').Config} */
module.exports = {
  // Tests spawn the real CLI and synthesise whole stacks; on 2 busy cores that takes seconds.
  testTimeout: 120000,
  projects: [
    { displayName: 'unit', testEnvironment: 'node', testMatch: ['<rootDir>/dist/test/unit/**/*.test.js'] },
    { displayName: 'e2e', testEnvironment: 'node', testMatch: ['<rootDir>/dist/test/e2e/**/*.test.js'] },
  ],
};
