/**
 * `@agentry/testing`: a scriptable mock model and provider for tests and examples, and a local
 * provider emulator that speaks the OpenAI, Anthropic and Google wire formats over HTTP (and
 * `startProtocolEmulator`, which speaks a vendor's own protocol through the author's encoder). The
 * conformance suites that provider and store plug-ins run in their own vitest suites are on the
 * `@agentry/testing/vitest` entry, so that importing the mock model does not load vitest.
 *
 * @packageDocumentation
 */
export {
  providerConfiguration,
  type ProviderConfigurationOptions,
} from './config/provider-configuration.js';
export * from './conformance/own-protocol.js';
export * from './emulator/index.js';
export * from './mock-model/index.js';
export { deletePath, setPath, type ObjectPath } from './plugins/set-path.js';
export { VERSION } from './version.js';
