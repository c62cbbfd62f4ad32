import type {
  RawMessageStreamEvent,
  RefusalStopDetails,
  StopReason,
} from '@anthropic-ai/sdk/resources/messages';
import { createProviderError, type AgentryError, type ModelStreamPart } from '@agentry/core';
import {
  toFinishReason,
  toProviderMetadata,
  toUsage,
  type AnthropicUsageCounts,
} from './from-anthropic-message.js';

type Block =
  | { kind: 'text'; id: string }
  | { kind: 'reasoning'; id: string; signature: string; redactedData?: string }
  | { kind: 'tool'; id: string; name: string; input: string }
  | { kind: 'other' };

/** Turns the Messages API's stream events into the contract's stream parts. @internal */
export interface AnthropicStreamMapper {
  /**
   * The parts one event makes (often one, sometimes none).
   *
   * @throws AgentryError `provider_unavailable` on a second `message_start`
   */
  push(event: RawMessageStreamEvent): ModelStreamPart[];
  /** Whether `message_stop` has arrived: only then is the response complete. */
  readonly complete: boolean;
  /** The closing `response-end`, once the response is complete. */
  end(): ModelStreamPart;
}

/**
 * Creates the mapper of one stream. Content blocks are told apart by their index: a text block is
 * `text-start`, `text-delta`s and `text-end` with the id `text-<index>`; a thinking block the same
 * as `reasoning-*` (id `reasoning-<index>`), its `signature_delta` kept and sent on
 * `reasoning-end` as `providerMetadata.anthropic.signature`; a `tool_use` block is
 * `tool-call-start`, one `tool-call-delta` per non-empty `input_json_delta` piece, and
 * `tool-call-end` with the whole arguments (`{}` when none came). Usage is the cumulative usage of
 * `message_delta` over that of `message_start`. A second `message_start` is a malformed stream
 * (another response spliced into this one) and fails it with `provider_unavailable`: what came
 * before stays partial output, never joined to the other response's text.
 *
 * @internal
 */
export function createAnthropicStreamMapper(
  ignoredParameters: readonly string[],
): AnthropicStreamMapper {
  const blocks = new Map<number, Block>();
  let responseId: string | undefined;
  let modelId: string | undefined;
  let usage: AnthropicUsageCounts = {};
  let stopReason: StopReason | null = null;
  let stopSequence: string | null = null;
  let stopDetails: RefusalStopDetails | null = null;
  let complete = false;
  let started = false;

  return {
    get complete() {
      return complete;
    },
    push(event) {
      switch (event.type) {
        case 'message_start':
          // One stream is one message: a second start is another response spliced in (a proxy
          // that retried upstream, say). Its text must not be stitched onto the first's.
          if (started) throw splicedMessage(responseId, event.message.id);
          started = true;
          responseId = event.message.id;
          modelId = event.message.model;
          usage = { ...event.message.usage };
          return [];
        case 'content_block_start':
          return startBlock(blocks, event.index, event.content_block);
        case 'content_block_delta': {
          const block = blocks.get(event.index);
          const delta = event.delta;
          if (block === undefined) return [];
          if (delta.type === 'text_delta' && block.kind === 'text' && delta.text !== '') {
            return [{ type: 'text-delta', id: block.id, delta: delta.text }];
          }
          if (
            delta.type === 'thinking_delta' &&
            block.kind === 'reasoning' &&
            delta.thinking !== ''
          ) {
            return [{ type: 'reasoning-delta', id: block.id, delta: delta.thinking }];
          }
          if (delta.type === 'signature_delta' && block.kind === 'reasoning') {
            block.signature += delta.signature;
            return [];
          }
          if (
            delta.type === 'input_json_delta' &&
            block.kind === 'tool' &&
            delta.partial_json !== ''
          ) {
            block.input += delta.partial_json;
            return [{ type: 'tool-call-delta', toolCallId: block.id, delta: delta.partial_json }];
          }
          return [];
        }
        case 'content_block_stop': {
          const block = blocks.get(event.index);
          blocks.delete(event.index);
          return block === undefined ? [] : endBlock(block);
        }
        case 'message_delta':
          stopReason = event.delta.stop_reason ?? stopReason;
          stopSequence = event.delta.stop_sequence ?? stopSequence;
          stopDetails = event.delta.stop_details ?? stopDetails;
          usage = mergeUsage(usage, event.usage);
          return [];
        case 'message_stop':
          complete = true;
          return [];
        default:
          return [];
      }
    },
    end() {
      const providerMetadata = toProviderMetadata({
        cacheCreationInputTokens: usage.cache_creation_input_tokens,
        stopSequence,
        stopDetails,
        ignoredParameters,
      });
      return {
        type: 'response-end',
        finishReason: toFinishReason(stopReason),
        usage: toUsage(usage),
        response: {
          ...(responseId !== undefined ? { id: responseId } : {}),
          ...(modelId !== undefined ? { modelId } : {}),
        },
        ...(providerMetadata !== undefined ? { providerMetadata } : {}),
      };
    },
  };
}

function startBlock(
  blocks: Map<number, Block>,
  index: number,
  block: Extract<RawMessageStreamEvent, { type: 'content_block_start' }>['content_block'],
): ModelStreamPart[] {
  if (block.type === 'text') {
    const id = `text-${String(index)}`;
    blocks.set(index, { kind: 'text', id });
    const parts: ModelStreamPart[] = [{ type: 'text-start', id }];
    if (block.text !== '') parts.push({ type: 'text-delta', id, delta: block.text });
    return parts;
  }
  if (block.type === 'thinking') {
    const id = `reasoning-${String(index)}`;
    blocks.set(index, { kind: 'reasoning', id, signature: block.signature });
    const parts: ModelStreamPart[] = [{ type: 'reasoning-start', id }];
    if (block.thinking !== '') parts.push({ type: 'reasoning-delta', id, delta: block.thinking });
    return parts;
  }
  if (block.type === 'redacted_thinking') {
    const id = `reasoning-${String(index)}`;
    blocks.set(index, { kind: 'reasoning', id, signature: '', redactedData: block.data });
    return [{ type: 'reasoning-start', id }];
  }
  if (block.type === 'tool_use') {
    blocks.set(index, { kind: 'tool', id: block.id, name: block.name, input: '' });
    return [{ type: 'tool-call-start', toolCallId: block.id, toolName: block.name }];
  }
  // Server-tool blocks (web search, code execution, …) are the API's own work: left out.
  blocks.set(index, { kind: 'other' });
  return [];
}

function endBlock(block: Block): ModelStreamPart[] {
  switch (block.kind) {
    case 'text':
      return [{ type: 'text-end', id: block.id }];
    case 'reasoning': {
      const anthropic =
        block.redactedData !== undefined
          ? { redactedData: block.redactedData }
          : block.signature !== ''
            ? { signature: block.signature }
            : undefined;
      return [
        {
          type: 'reasoning-end',
          id: block.id,
          ...(anthropic !== undefined ? { providerMetadata: { anthropic } } : {}),
        },
      ];
    }
    case 'tool':
      return [
        {
          type: 'tool-call-end',
          toolCallId: block.id,
          toolName: block.name,
          input: block.input === '' ? '{}' : block.input,
        },
      ];
    case 'other':
      return [];
  }
}

/** The usage of `message_delta` is cumulative; its `null` fields keep the earlier counts. */
function mergeUsage(
  earlier: AnthropicUsageCounts,
  later: AnthropicUsageCounts,
): AnthropicUsageCounts {
  const merged: AnthropicUsageCounts = { ...earlier };
  for (const key of [
    'input_tokens',
    'output_tokens',
    'cache_read_input_tokens',
    'cache_creation_input_tokens',
    'output_tokens_details',
  ] as const) {
    const value = later[key];
    if (value !== undefined && value !== null) Object.assign(merged, { [key]: value });
  }
  return merged;
}

function splicedMessage(first: string | undefined, second: string): AgentryError {
  return createProviderError({
    provider: 'anthropic',
    code: 'provider_unavailable',
    message: `The Anthropic stream started a second message (${second}) inside message ${String(first)}: a second message_start, as when something between Agentry and Anthropic splices two responses. The output so far is partial; retry the call.`,
  });
}
