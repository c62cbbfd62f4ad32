/**
 * `@agentry/openai`: Agentry's OpenAI provider. Its models call the Responses API or Chat
 * Completions (which OpenAI-compatible servers such as vLLM, Ollama and LM Studio speak too)
 * through the official `openai` SDK.
 *
 * @packageDocumentation
 */
export { createOpenAI, type OpenAIProvider } from './create-openai.js';
export { openaiModels } from './models.js';
export { openaiPlugin } from './openai-plugin.js';
export type { OpenAIApi, OpenAIProviderOptions } from './openai-provider-options.js';
export { openaiErrorBodySchema, type OpenAIErrorBody } from './to-openai-error.js';
export { validateOpenAIApiKey } from './validate-openai-api-key.js';
export { VERSION } from './version.js';
