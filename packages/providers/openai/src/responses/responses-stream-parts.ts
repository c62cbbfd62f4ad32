import type { ModelStreamPart, StreamIdleTimeout } from '@agentry/core';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { streamEndedEarly, streamSpliced, streamTimedOut } from '../response/response-helpers.js';
import { fromOpenAIErrorBody } from '../to-openai-error.js';
import { toResponsesFinishReason, toResponsesUsage } from './from-response.js';
import { ReasoningLinks } from './reasoning-metadata.js';

interface CallState {
  callId: string;
  name: string;
}

/**
 * Turns Responses API events into contract stream parts. Each output item is its own block, named
 * by its item id: reasoning summaries as reasoning blocks, message text as text blocks, function
 * calls as tool calls (start, argument deltas, end). A reasoning block ends when the response is
 * complete, because its metadata names the items that followed it. `response.completed` (or
 * `response.incomplete`) gives the `response-end`.
 *
 * A refusal streams as text, and the finish reason is then `content-filter`.
 *
 * `idle`, when given, is told of each wait for the next event (see `createStreamIdleTimeout`).
 *
 * @throws AgentryError from the error event or `response.failed`; `network` when the events end
 *   before the response is complete; `timeout` when they ended because `idle` timed out;
 *   `provider_unavailable` on a second `response.created` or another response's id
 * @internal
 */
export async function* toResponsesStreamParts(
  events: AsyncIterable<ResponseStreamEvent>,
  modelId: string,
  idle?: StreamIdleTimeout,
): AsyncGenerator<ModelStreamPart> {
  const links = new ReasoningLinks();
  const openReasoning: string[] = [];
  const summaryIndexes = new Map<string, number>();
  const openText = new Set<string>();
  const calls = new Map<string, CallState>();
  let hasToolCalls = false;
  let refused = false;
  let responseId: string | undefined;

  idle?.wait();
  for await (const event of events) {
    idle?.received();
    if (event.type === 'response.output_item.added') {
      const { item } = event;
      if (item.type === 'reasoning') {
        links.reasoning(item.id, item.encrypted_content);
        openReasoning.push(item.id);
        yield { type: 'reasoning-start', id: item.id };
      } else if (item.type === 'message') {
        links.message(item.id);
      } else if (item.type === 'function_call') {
        links.functionCall(item.id, item.call_id);
        calls.set(item.id ?? item.call_id, { callId: item.call_id, name: item.name });
        hasToolCalls = true;
        yield { type: 'tool-call-start', toolCallId: item.call_id, toolName: item.name };
      }
    } else if (
      event.type === 'response.reasoning_summary_text.delta' ||
      event.type === 'response.reasoning_text.delta'
    ) {
      // Summary parts (or raw reasoning parts) of one item read as paragraphs.
      const index = 'summary_index' in event ? event.summary_index : event.content_index;
      const previous = summaryIndexes.get(event.item_id);
      summaryIndexes.set(event.item_id, index);
      const separator = previous !== undefined && previous !== index ? '\n\n' : '';
      yield { type: 'reasoning-delta', id: event.item_id, delta: separator + event.delta };
    } else if (
      event.type === 'response.output_text.delta' ||
      event.type === 'response.refusal.delta'
    ) {
      // A refusal streams as the answer's text; the finish reason then says content-filter.
      refused ||= event.type === 'response.refusal.delta';
      if (!openText.has(event.item_id)) {
        openText.add(event.item_id);
        yield { type: 'text-start', id: event.item_id };
      }
      yield { type: 'text-delta', id: event.item_id, delta: event.delta };
    } else if (event.type === 'response.function_call_arguments.delta') {
      const call = calls.get(event.item_id);
      if (call !== undefined) {
        yield { type: 'tool-call-delta', toolCallId: call.callId, delta: event.delta };
      }
    } else if (event.type === 'response.output_item.done') {
      const { item } = event;
      if (item.type === 'reasoning') links.encrypted(item.id, item.encrypted_content);
      if (item.type === 'message' && openText.delete(item.id)) {
        yield { type: 'text-end', id: item.id };
      }
      if (item.type === 'function_call') {
        yield {
          type: 'tool-call-end',
          toolCallId: item.call_id,
          toolName: item.name,
          input: item.arguments,
        };
      }
    } else if (event.type === 'response.created' || event.type === 'response.in_progress') {
      // One stream is one response: a second `response.created`, or another response's id, is
      // another response spliced in, whose output must not be joined to this one's.
      const id = event.response.id;
      if (responseId !== undefined && (event.type === 'response.created' || id !== responseId)) {
        throw streamSpliced(modelId, responseId, id);
      }
      responseId = id;
    } else if (event.type === 'response.failed') {
      throw fromOpenAIErrorBody(event.response.error ?? { message: 'The response failed.' }, {
        modelId,
      });
    } else if (event.type === 'error') {
      throw fromOpenAIErrorBody(event, { modelId });
    } else if (event.type === 'response.completed' || event.type === 'response.incomplete') {
      for (const id of openText) yield { type: 'text-end', id };
      for (const id of openReasoning) {
        yield { type: 'reasoning-end', id, providerMetadata: links.metadataOf(id) };
      }
      const { response } = event;
      yield {
        type: 'response-end',
        finishReason: toResponsesFinishReason(response, hasToolCalls, refused),
        usage: toResponsesUsage(response.usage),
        response: { id: response.id, modelId: response.model },
      };
      return;
    }
    idle?.wait();
  }
  if (idle?.timedOut === true) throw streamTimedOut(modelId, idle.timeout);
  throw streamEndedEarly(modelId);
}
