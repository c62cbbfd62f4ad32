import type {
  Message,
  MessageDeltaUsage,
  RefusalStopDetails,
  StopReason,
  Usage as AnthropicUsage,
} from '@anthropic-ai/sdk/resources/messages';
import type {
  FinishReason,
  ModelResponse,
  ReasoningPart,
  TextPart,
  ToolCallPart,
  Usage,
} from '@agentry/core';

/**
 * The finish reason of a stop reason: `end_turn` and `stop_sequence` are `stop`, `max_tokens` and
 * `model_context_window_exceeded` are `length`, `tool_use` is `tool-calls`, `refusal` (a safety
 * classifier stopped the answer) is `content-filter`, and `pause_turn` (a long server-tool turn
 * paused) or anything newer is `other`.
 *
 * @internal
 */
export function toFinishReason(stopReason: StopReason | null | undefined): FinishReason {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool-calls';
    case 'refusal':
      return 'content-filter';
    case 'pause_turn':
    case null:
    case undefined:
      return 'other';
  }
  // A stop reason newer than this SDK's types.
  return 'other';
}

/** Token counts as the API reports them, in a message or (cumulatively) in a stream. */
export type AnthropicUsageCounts = Partial<
  Pick<
    AnthropicUsage | MessageDeltaUsage,
    | 'input_tokens'
    | 'output_tokens'
    | 'cache_read_input_tokens'
    | 'cache_creation_input_tokens'
    | 'output_tokens_details'
  >
>;

/**
 * Normalises the API's usage: the API counts uncached prompt tokens (`input_tokens`), cache reads
 * and cache writes apart, and the contract's `inputTokens` is all three; `cachedInputTokens` is the
 * cache reads and `cacheWriteInputTokens` the cache writes (each when there are any), and
 * `reasoningTokens` the thinking tokens (when reported).
 *
 * @internal
 */
export function toUsage(usage: AnthropicUsageCounts): Usage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  const inputTokens = (usage.input_tokens ?? 0) + cacheRead + cacheWrite;
  const outputTokens = usage.output_tokens ?? 0;
  const reasoningTokens = usage.output_tokens_details?.thinking_tokens;
  return {
    inputTokens,
    outputTokens,
    totalTokens: inputTokens + outputTokens,
    ...(cacheRead > 0 ? { cachedInputTokens: cacheRead } : {}),
    ...(cacheWrite > 0 ? { cacheWriteInputTokens: cacheWrite } : {}),
    ...(reasoningTokens !== undefined && reasoningTokens > 0 ? { reasoningTokens } : {}),
  };
}

/** What a response says besides its content, for `providerMetadata.anthropic`. */
export interface AnthropicResponseFacts {
  /** Prompt tokens written to the cache. */
  cacheCreationInputTokens?: number | null | undefined;
  /** The stop sequence that ended the answer. */
  stopSequence?: string | null | undefined;
  /** Why a refusal happened. */
  stopDetails?: RefusalStopDetails | null | undefined;
  /** Request parameters that were left out. */
  ignoredParameters: readonly string[];
}

/**
 * `providerMetadata` of a response: `{ anthropic: { … } }` with whichever of
 * `cacheCreationInputTokens`, `stopSequence`, `stopDetails` (a refusal's category and
 * explanation) and `ignoredParameters` apply, or `undefined` when none does.
 *
 * @internal
 */
export function toProviderMetadata(
  facts: AnthropicResponseFacts,
): Record<string, Record<string, unknown>> | undefined {
  const anthropic: Record<string, unknown> = {};
  if (facts.cacheCreationInputTokens !== undefined && facts.cacheCreationInputTokens !== null) {
    if (facts.cacheCreationInputTokens > 0) {
      anthropic['cacheCreationInputTokens'] = facts.cacheCreationInputTokens;
    }
  }
  if (facts.stopSequence !== undefined && facts.stopSequence !== null) {
    anthropic['stopSequence'] = facts.stopSequence;
  }
  if (facts.stopDetails !== undefined && facts.stopDetails !== null) {
    anthropic['stopDetails'] = facts.stopDetails;
  }
  if (facts.ignoredParameters.length > 0) {
    anthropic['ignoredParameters'] = [...facts.ignoredParameters];
  }
  return Object.keys(anthropic).length > 0 ? { anthropic } : undefined;
}

/**
 * The tool call input as JSON text: the API sends an object, which is written back as JSON
 * (`{}` for a call without arguments).
 *
 * @internal
 */
export function toInputText(input: unknown): string {
  if (typeof input === 'string') return input;
  return JSON.stringify(input ?? {});
}

/**
 * Converts a complete message to the contract's response: thinking blocks become reasoning parts
 * (their signature, or a redacted block's data, kept in `providerMetadata.anthropic` for replay),
 * text blocks text parts, `tool_use` blocks tool calls; server-tool blocks are left out.
 *
 * @internal
 */
export function fromAnthropicMessage(
  message: Message,
  ignoredParameters: readonly string[],
): ModelResponse {
  const content: (TextPart | ReasoningPart | ToolCallPart)[] = [];
  for (const block of message.content) {
    // Server-tool blocks (web search, code execution, …) are the API's own work: left out.
    if (block.type === 'text') {
      content.push({ type: 'text', text: block.text });
    } else if (block.type === 'thinking') {
      content.push({
        type: 'reasoning',
        text: block.thinking,
        providerMetadata: { anthropic: { signature: block.signature } },
      });
    } else if (block.type === 'redacted_thinking') {
      content.push({
        type: 'reasoning',
        text: '',
        providerMetadata: { anthropic: { redactedData: block.data } },
      });
    } else if (block.type === 'tool_use') {
      content.push({
        type: 'tool-call',
        toolCallId: block.id,
        toolName: block.name,
        input: toInputText(block.input),
      });
    }
  }
  const providerMetadata = toProviderMetadata({
    cacheCreationInputTokens: message.usage.cache_creation_input_tokens,
    stopSequence: message.stop_sequence,
    stopDetails: message.stop_details,
    ignoredParameters,
  });
  return {
    content,
    finishReason: toFinishReason(message.stop_reason),
    usage: toUsage(message.usage),
    response: { id: message.id, modelId: message.model },
    ...(providerMetadata !== undefined ? { providerMetadata } : {}),
  };
}
