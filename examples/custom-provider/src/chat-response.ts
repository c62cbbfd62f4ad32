import {
  createProviderError,
  type FinishReason,
  type ModelResponse,
  type Usage,
} from '@agentry/core';
import { PROVIDER_NAME } from './to-chat-error.js';

/** A JSON object from the server. */
export type JsonObject = Record<string, unknown>;

/** Whether a value is a JSON object. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value's JSON objects, when it is an array. */
export function jsonObjects(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}

const finishReasons: Readonly<Record<string, FinishReason>> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool-calls',
  function_call: 'tool-calls',
  content_filter: 'content-filter',
};

/** Maps a Chat Completions `finish_reason`; anything unknown is `other`. */
export function toFinishReason(value: unknown): FinishReason {
  return (typeof value === 'string' ? finishReasons[value] : undefined) ?? 'other';
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * Maps Chat Completions usage: `prompt_tokens` (cached included), `completion_tokens` (reasoning
 * included), and the cached and reasoning counts when the server reports them. Missing usage is
 * all zeros: some servers ignore `stream_options.include_usage`.
 */
export function toUsage(value: unknown): Usage {
  const usage = isJsonObject(value) ? value : {};
  const inputTokens = count(usage.prompt_tokens) ?? 0;
  const outputTokens = count(usage.completion_tokens) ?? 0;
  const prompt = isJsonObject(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  const completion = isJsonObject(usage.completion_tokens_details)
    ? usage.completion_tokens_details
    : {};
  const cachedInputTokens = count(prompt.cached_tokens);
  const reasoningTokens = count(completion.reasoning_tokens);
  return {
    inputTokens,
    outputTokens,
    totalTokens: inputTokens + outputTokens,
    ...(cachedInputTokens === undefined ? {} : { cachedInputTokens }),
    ...(reasoningTokens === undefined ? {} : { reasoningTokens }),
  };
}

/** The reasoning a message or delta carries: `reasoning_content` (vLLM, LM Studio) or `reasoning` (Ollama). */
export function reasoningOf(message: JsonObject): string | undefined {
  const value = message.reasoning_content ?? message.reasoning;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Maps a complete (non-streamed) Chat Completions response to a model response: reasoning, text
 * and tool calls in that order, the finish reason, usage, and the response id and model.
 *
 * @throws AgentryError `provider_unavailable` when the body has no `choices[0].message`
 * @example
 * ```ts
 * const response = toModelResponse(await httpResponse.json(), 'Ollama');
 * ```
 */
export function toModelResponse(body: unknown, serverName: string): ModelResponse {
  const choice = isJsonObject(body) ? jsonObjects(body.choices)[0] : undefined;
  const message = choice !== undefined && isJsonObject(choice.message) ? choice.message : undefined;
  if (!isJsonObject(body) || choice === undefined || message === undefined) {
    throw createProviderError({
      provider: PROVIDER_NAME,
      code: 'provider_unavailable',
      message: `${serverName} answered without choices[0].message; is it an OpenAI-compatible server?`,
    });
  }
  const content: ModelResponse['content'] = [];
  const reasoning = reasoningOf(message);
  if (reasoning !== undefined) content.push({ type: 'reasoning', text: reasoning });
  if (typeof message.content === 'string' && message.content !== '') {
    content.push({ type: 'text', text: message.content });
  }
  jsonObjects(message.tool_calls).forEach((call, index) => {
    const fn = isJsonObject(call.function) ? call.function : {};
    content.push({
      type: 'tool-call',
      toolCallId: typeof call.id === 'string' ? call.id : `call_${index}`,
      toolName: typeof fn.name === 'string' ? fn.name : '',
      input: typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments ?? {}),
    });
  });
  return {
    content,
    finishReason: toFinishReason(choice.finish_reason),
    usage: toUsage(body.usage),
    response: {
      ...(typeof body.id === 'string' ? { id: body.id } : {}),
      ...(typeof body.model === 'string' ? { modelId: body.model } : {}),
    },
  };
}
