import { definePackageTests } from '../../vitest.shared.js';

export default definePackageTests('example-data-protection-demo');
