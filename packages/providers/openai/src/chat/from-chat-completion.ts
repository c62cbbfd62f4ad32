import {
  createProviderError,
  type FinishReason,
  type ModelResponse,
  type Usage,
} from '@agentry/core';
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import { toUsage } from '../response/response-helpers.js';

const chatFinishReasons: Readonly<Record<string, FinishReason>> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool-calls',
  function_call: 'tool-calls',
  content_filter: 'content-filter',
};

/**
 * A Chat Completions `finish_reason` as a contract finish reason (`other` for any it does not
 * know).
 *
 * @internal
 */
export function toChatFinishReason(reason: string | null | undefined): FinishReason {
  return (
    (reason === null || reason === undefined ? undefined : chatFinishReasons[reason]) ?? 'other'
  );
}

/**
 * The usage a Chat Completions response or final chunk reports.
 *
 * @internal
 */
export function toChatUsage(usage: ChatCompletion['usage'] | ChatCompletionChunk['usage']): Usage {
  return toUsage({
    input: usage?.prompt_tokens,
    output: usage?.completion_tokens,
    total: usage?.total_tokens,
    cached: usage?.prompt_tokens_details?.cached_tokens,
    reasoning: usage?.completion_tokens_details?.reasoning_tokens,
  });
}

/**
 * The reasoning text some OpenAI-compatible servers (vLLM, DeepSeek, Ollama) put beside the
 * content, as `reasoning_content` or `reasoning`. OpenAI itself sends none.
 *
 * @internal
 */
export function reasoningTextOf(message: object | undefined): string | undefined {
  const record = message as { reasoning_content?: unknown; reasoning?: unknown } | undefined;
  const value = record?.reasoning_content ?? record?.reasoning;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Reads a Chat Completions response: reasoning (from compatible servers), text and tool calls in
 * that order, the finish reason and the usage. A refusal is the model's answer: its text, with
 * finish reason `content-filter`.
 *
 * @throws AgentryError `provider_unavailable` when the response holds no choice
 * @internal
 */
export function fromChatCompletion(completion: ChatCompletion, modelId: string): ModelResponse {
  const choice = completion.choices[0];
  if (choice === undefined) {
    throw createProviderError({
      provider: 'openai',
      code: 'provider_unavailable',
      message: `OpenAI answered model ${modelId} with no choices.`,
    });
  }
  const { message } = choice;
  const refusal = typeof message.refusal === 'string' ? message.refusal : '';
  const content: ModelResponse['content'] = [];
  const reasoning = reasoningTextOf(message);
  if (reasoning !== undefined) content.push({ type: 'reasoning', text: reasoning });
  const text = (typeof message.content === 'string' ? message.content : '') + refusal;
  if (text !== '') content.push({ type: 'text', text });
  for (const call of message.tool_calls ?? []) {
    if (call.type !== 'function') continue;
    content.push({
      type: 'tool-call',
      toolCallId: call.id,
      toolName: call.function.name,
      input: call.function.arguments,
    });
  }
  return {
    content,
    finishReason: refusal === '' ? toChatFinishReason(choice.finish_reason) : 'content-filter',
    usage: toChatUsage(completion.usage),
    response: { id: completion.id, modelId: completion.model },
  };
}
