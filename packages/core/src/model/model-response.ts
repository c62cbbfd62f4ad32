import type { ReasoningPart, TextPart, ToolCallPart } from './content-part.js';

/**
 * Why a model stopped: `stop` (it was done), `length` (token limit), `tool-calls` (it wants tool
 * results), `content-filter`, `error`, or `other`.
 *
 * @example
 * ```ts
 * import type { FinishReason, LanguageModel } from '@agentry/core';
 *
 * declare const model: LanguageModel;
 * const { finishReason } = await model.generate({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] });
 * const why: FinishReason = finishReason;
 * if (why === 'length') console.warn('The answer was cut off at maxTokens.');
 * ```
 */
export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';

/**
 * Tokens a call used, normalised across providers.
 *
 * @example
 * ```ts
 * import type { AgentRunResult, Usage } from '@agentry/core';
 *
 * declare const result: AgentRunResult;
 * const usage: Usage = result.usage; // summed over every step of the run
 * const uncached = usage.inputTokens - (usage.cachedInputTokens ?? 0);
 * console.log(`${usage.totalTokens} tokens, ${uncached} input tokens not from the cache`);
 * ```
 */
export interface Usage {
  /** Input (prompt) tokens, cached ones included. */
  inputTokens: number;
  /** Output tokens, reasoning included. */
  outputTokens: number;
  /** Input plus output. */
  totalTokens: number;
  /** Input tokens served from the provider's prompt cache. */
  cachedInputTokens?: number;
  /**
   * Input tokens written to the provider's prompt cache by this call (Anthropic's
   * `cache_creation_input_tokens`); counted in `inputTokens` too.
   */
  cacheWriteInputTokens?: number;
  /** Output tokens spent on reasoning. */
  reasoningTokens?: number;
}

/**
 * What `LanguageModel.generate` returns.
 *
 * @example
 * ```ts
 * import type { LanguageModel, ModelResponse } from '@agentry/core';
 *
 * declare const model: LanguageModel;
 * const response: ModelResponse = await model.generate({
 *   messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather in Lisbon?' }] }],
 *   tools: [{ name: 'get_weather', inputSchema: { type: 'object' } }],
 * });
 * const text = response.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
 * const calls = response.content.filter((part) => part.type === 'tool-call');
 * console.log(text, calls.length, response.usage.totalTokens, response.response?.id);
 * ```
 */
export interface ModelResponse {
  /** Text, reasoning and tool calls, in order. */
  content: (TextPart | ReasoningPart | ToolCallPart)[];
  /** Why the model stopped. */
  finishReason: FinishReason;
  /** Tokens used. */
  usage: Usage;
  /** The provider's response id and the model that answered, when known. */
  response?: {
    /** The provider's id for the response. */
    id?: string;
    /** The id of the model that answered, as the provider reports it. */
    modelId?: string;
  };
  /** Provider-specific data about the response. */
  providerMetadata?: Record<string, Record<string, unknown>>;
}
