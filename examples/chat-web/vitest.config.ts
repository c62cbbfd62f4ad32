import { definePackageTests } from '../../vitest.shared.js';

// The browser tests start Chromium and restart a server process: slower than unit tests.
export default definePackageTests('example-chat-web', { testTimeout: 60_000, hookTimeout: 60_000 });
