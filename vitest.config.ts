import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` runs anywhere in seconds; `es` runs against a real Elasticsearch that
 * test/es-global-setup.ts provisions once for the run (and always stops, even on Ctrl-C).
 * Integration tests are named `*.es.test.ts`.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{sidecar,ingest,es-mappings,ltr,bench,test,bin}/**/*.test.ts'],
          exclude: ['**/*.es.test.ts', '**/node_modules/**'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'es',
          include: ['{sidecar,ingest,es-mappings,ltr,bench,test}/**/*.es.test.ts'],
          globalSetup: ['test/es-global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // One Elasticsearch serves every file; files run one after another so that
          // benchmarks of the machine are not what a test measures.
          fileParallelism: false,
        },
      },
    ],
  },
});
