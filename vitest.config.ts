import { defineConfig } from 'vitest/config';

/** One root run over every package's tests; each package also runs alone with `vitest run`. */
export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'packages/{providers,stores}/*/vitest.config.ts',
      '{examples/*,tests}/vitest.config.ts',
    ],
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
