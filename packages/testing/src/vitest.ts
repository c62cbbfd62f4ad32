/**
 * `@agentry/testing/vitest`: conformance suites that register vitest tests. A third-party store
 * runs `describeStateStoreConformance('my store', () => createMyStore())` in its own test suite, a
 * plug-in `describePluginConformance({ create, packageJson, requires })`.
 *
 * @packageDocumentation
 */
export * from './plugins/index.js';
export * from './stores/index.js';
