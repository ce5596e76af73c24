import { defineConfig } from 'vitest/config';

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
        },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
      },
    ],
  },
});
