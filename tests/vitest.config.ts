import { definePackageTests } from '../vitest.shared.js';

export default definePackageTests('tests', { include: ['**/*.test.ts'] });
