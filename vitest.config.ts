import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Test files that need a module graph of their own (see the `isolated` project). */
const ISOLATED = ['packages/core/test/importCost.test.ts'];

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources, so `pnpm test` needs no build first.
    alias: [
      { find: /^@carejourney\/core\/testing$/, replacement: src('./packages/core/src/testing.ts') },
      { find: /^@carejourney\/core$/, replacement: src('./packages/core/src/index.ts') },
      { find: /^@carejourney\/plugin-screening$/, replacement: src('./packages/plugin-screening/src/index.ts') },
      { find: /^@carejourney\/store-sqlite$/, replacement: src('./packages/store-sqlite/src/index.ts') },
      { find: /^@carejourney\/store-postgres$/, replacement: src('./packages/store-postgres/src/index.ts') },
      { find: /^@carejourney\/plugin-reminders$/, replacement: src('./packages/plugin-reminders/src/index.ts') },
      { find: /^@carejourney\/plugin-reminders\/sqlite$/, replacement: src('./packages/plugin-reminders/src/sqlite.ts') },
    ],
  },
  test: {
    testTimeout: 20_000,
    pool: 'forks',
    // Vitest runs one file at a time on two cores by default (cores - 1); many files here wait on
    // child processes, PostgreSQL or a browser, so three at a time keeps both cores busy.
    maxWorkers: Math.max(3, availableParallelism()),
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['packages/*/test/**/*.test.ts', 'examples/test/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ISOLATED,
          // Test files share a worker's module graph, so the sources are loaded once per worker
          // rather than once per file; no file here mocks a module or changes a global.
          isolate: false,
        },
      },
      {
        extends: true,
        // Files that check what importing a module does, or mock one, get a fresh module graph.
        test: { name: 'isolated', include: ISOLATED, isolate: true },
      },
    ],
  },
});
