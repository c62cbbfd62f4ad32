/**
 * `@agentry/anthropic`: Agentry's Anthropic provider. Claude models over the Messages API through
 * the official `@anthropic-ai/sdk`, with Agentry's error codes, stream parts, usage and model
 * catalogue, and a plug-in that serves the `anthropic` provider type.
 *
 * @packageDocumentation
 */
export { anthropicPlugin } from './anthropic-plugin.js';
export {
  createAnthropic,
  type AnthropicProvider,
  type AnthropicProviderOptions,
} from './create-anthropic.js';
export { anthropicModels, DEFAULT_ANTHROPIC_CAPABILITIES } from './models.js';
export { anthropicErrorBodySchema, type AnthropicErrorBody } from './to-anthropic-error.js';
export { validateAnthropicApiKey } from './validate-anthropic-api-key.js';
export { VERSION } from './version.js';
