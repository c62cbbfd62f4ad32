import type { ReasoningPart, TextPart, ToolCallPart } from './content-part.js';

/**
 * Why a model stopped: `stop` (it was done), `length` (token limit), `tool-calls` (it wants tool
 * results), `content-filter`, `error`, or `other`.
 */
export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';

/** Tokens a call used, normalised across providers. */
export interface Usage {
  /** Input (prompt) tokens, cached ones included. */
  inputTokens: number;
  /** Output tokens, reasoning included. */
  outputTokens: number;
  /** Input plus output. */
  totalTokens: number;
  /** Input tokens served from the provider's prompt cache. */
  cachedInputTokens?: number;
  /** Output tokens spent on reasoning. */
  reasoningTokens?: number;
}

/** What `LanguageModel.generate` returns. */
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
