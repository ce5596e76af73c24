import { configDefaults, defineConfig } from 'vitest/config';

// One vitest run covers every package. Sources of workspace packages are resolved through
// the "@vigie/source" export condition, so unit tests need no build; end-to-end suites spawn
// the built CLIs (npm test builds first).
export default defineConfig({
  resolve: { conditions: ['@vigie/source'] },
  ssr: { resolve: { conditions: ['@vigie/source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['shared/src/**/*.test.ts', 'agent/src/**/*.test.ts', 'hub/src/**/*.test.ts'],
          // What only PostgreSQL has (partitions, several instances) runs in hub-pg alone.
          exclude: [...configDefaults.exclude, '**/*.pg.test.ts'],
        },
      },
      {
        // The hub's unit suites again on PostgreSQL: each test its own schema in a database made
        // for the run (hub/src/test-support/test-database.ts). Needs PostgreSQL at 127.0.0.1:5432.
        extends: true,
        test: {
          name: 'hub-pg',
          include: ['hub/src/**/*.test.ts'],
          // What only the embedded SQLite hub does (group commit) is not run again here.
          exclude: [...configDefaults.exclude, '**/*.sqlite.test.ts'],
          env: { VIGIE_TEST_DB: 'postgres' },
          globalSetup: ['hub/src/test-support/pg-global-setup.ts'],
          setupFiles: ['hub/src/test-support/pg-test-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/browser/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The web console driven by Debian's chromium through playwright-core (.ci/run installs it).
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 90_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
