import type { FinishReason, ModelResponse, Usage } from '@agentry/core';
import type { Response, ResponseReasoningItem } from 'openai/resources/responses/responses';
import { toUsage } from '../response/response-helpers.js';
import { fromOpenAIErrorBody } from '../to-openai-error.js';
import { ReasoningLinks } from './reasoning-metadata.js';

/**
 * The usage a Responses API response reports.
 *
 * @internal
 */
export function toResponsesUsage(usage: Response['usage']): Usage {
  return toUsage({
    input: usage?.input_tokens,
    output: usage?.output_tokens,
    total: usage?.total_tokens,
    cached: usage?.input_tokens_details?.cached_tokens,
    reasoning: usage?.output_tokens_details?.reasoning_tokens,
  });
}

/**
 * Why a Responses API response ended: `incomplete` at the output token limit is `length`, at the
 * content filter `content-filter`; `completed` is `content-filter` when the model refused,
 * `tool-calls` when the output holds function calls, else `stop`.
 *
 * @internal
 */
export function toResponsesFinishReason(
  response: Pick<Response, 'status' | 'incomplete_details'>,
  hasToolCalls: boolean,
  refused: boolean,
): FinishReason {
  if (response.status === 'incomplete') {
    const reason = response.incomplete_details?.reason;
    if (reason === 'max_output_tokens') return 'length';
    if (reason === 'content_filter') return 'content-filter';
    return 'other';
  }
  if (response.status === 'completed' || response.status === undefined) {
    if (refused) return 'content-filter';
    return hasToolCalls ? 'tool-calls' : 'stop';
  }
  return 'other';
}

/**
 * The text of a reasoning item: its summary parts (or, for models that return it, its raw
 * reasoning text), paragraphs apart.
 *
 * @internal
 */
export function reasoningTextOf(item: ResponseReasoningItem): string {
  const summary = item.summary.map((part) => part.text);
  const parts = summary.length > 0 ? summary : (item.content ?? []).map((part) => part.text);
  return parts.join('\n\n');
}

/**
 * Reads a Responses API response: reasoning items (with the metadata that sends them back), text
 * (a refusal's too) and function calls in output order, the finish reason and the usage.
 *
 * @throws AgentryError with the error's code when the response failed
 * @internal
 */
export function fromResponse(response: Response, modelId: string): ModelResponse {
  if (response.status === 'failed' && response.error !== null && response.error !== undefined) {
    throw fromOpenAIErrorBody(response.error, { modelId });
  }
  const links = new ReasoningLinks();
  for (const item of response.output) {
    if (item.type === 'reasoning') links.reasoning(item.id, item.encrypted_content);
    if (item.type === 'message') links.message(item.id);
    if (item.type === 'function_call') links.functionCall(item.id, item.call_id);
  }
  const content: ModelResponse['content'] = [];
  let hasToolCalls = false;
  let refused = false;
  for (const item of response.output) {
    if (item.type === 'reasoning') {
      content.push({
        type: 'reasoning',
        text: reasoningTextOf(item),
        providerMetadata: links.metadataOf(item.id),
      });
    } else if (item.type === 'message') {
      for (const part of item.content) {
        // A refusal is the model's answer: its text, with finish reason content-filter.
        const text = part.type === 'refusal' ? part.refusal : part.text;
        refused ||= part.type === 'refusal';
        if (text !== '') content.push({ type: 'text', text });
      }
    } else if (item.type === 'function_call') {
      hasToolCalls = true;
      content.push({
        type: 'tool-call',
        toolCallId: item.call_id,
        toolName: item.name,
        input: item.arguments,
      });
    }
    // Built-in tools (web search, file search, …) are not part of the model contract.
  }
  return {
    content,
    finishReason: toResponsesFinishReason(response, hasToolCalls, refused),
    usage: toResponsesUsage(response.usage),
    response: { id: response.id, modelId: response.model },
  };
}
