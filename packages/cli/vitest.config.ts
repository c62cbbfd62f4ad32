import { definePackageTests } from '../../vitest.shared.js';

/** The tests spawn the built command (built by the global setup), slower than a unit test. */
export default definePackageTests('cli', {
  testTimeout: 30_000,
  globalSetup: ['./test/build-command.ts'],
});
