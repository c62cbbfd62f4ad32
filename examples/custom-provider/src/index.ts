/**
 * A third-party-style provider plug-in for OpenAI-compatible servers (vLLM, Ollama, LM Studio),
 * written on `@agentry/core`'s public API and plain `fetch`.
 *
 * @packageDocumentation
 */
export {
  DEFAULT_COMPATIBLE_CAPABILITIES,
  type CompatibleModelOptions,
  type CompatibleProviderOptions,
} from './compatible-provider-options.js';
export { compatibleProvider, PLUGIN_NAME } from './compatible-provider.js';
export { createCompatibleProvider, type CompatibleProvider } from './create-compatible-provider.js';
export { VERSION } from './version.js';
