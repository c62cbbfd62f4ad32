import { definePackageTests } from '../../vitest.shared.js';

/** The tests spawn the built command, which takes longer than a unit test. */
export default definePackageTests('cli', { testTimeout: 30_000 });
