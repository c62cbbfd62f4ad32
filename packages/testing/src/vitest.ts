/**
 * `@agentry/testing/vitest`: conformance suites that register vitest tests. A third-party store
 * runs `describeStateStoreConformance('my store', () => createMyStore())` in its own test suite, a
 * plug-in `describePluginConformance({ create, packageJson, requires })`, and a provider
 * `describeProviderConformance({ name, api, createModel })` against the local emulator, or with
 * `serve` and `readRequest` instead of `api` for a vendor with a protocol of its own, and a realtime
 * log backend `describeRealtimeLogConformance('my log', ({ clock }) => createMyLog({ clock }))`.
 *
 * @packageDocumentation
 */
export * from './conformance/index.js';
export * from './plugins/index.js';
export * from './stores/index.js';
export * from './realtime/index.js';
