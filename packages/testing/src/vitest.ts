/**
 * `@agentry/testing/vitest`: conformance suites that register vitest tests. A third-party store
 * runs `describeStateStoreConformance('my store', () => createMyStore())` in its own test suite.
 *
 * @packageDocumentation
 */
export * from './stores/index.js';
