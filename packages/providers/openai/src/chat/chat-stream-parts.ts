import type { FinishReason, ModelStreamPart, Usage } from '@agentry/core';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { streamEndedEarly, UNKNOWN_USAGE } from '../response/response-helpers.js';
import { reasoningTextOf, toChatFinishReason, toChatUsage } from './from-chat-completion.js';

const TEXT_ID = 'text-0';
const REASONING_ID = 'reasoning-0';

interface ToolCallState {
  id: string | undefined;
  name: string | undefined;
  input: string;
  /** Argument pieces that came before the call's id and name. */
  pending: string[];
  started: boolean;
}

/**
 * Turns Chat Completions chunks into contract stream parts: reasoning (from compatible servers)
 * and text as blocks, tool calls by their `index` as start, argument deltas and end (parallel calls
 * interleave), then one `response-end` with the finish reason and the usage of the final chunk
 * (`stream_options.include_usage`). A refusal streams as text, and the finish reason is then
 * `content-filter`.
 *
 * @throws AgentryError `network` when the chunks end before one carries a finish reason
 * @internal
 */
export async function* toChatStreamParts(
  chunks: AsyncIterable<ChatCompletionChunk>,
  modelId: string,
): AsyncGenerator<ModelStreamPart> {
  let textOpen = false;
  let reasoningOpen = false;
  let refused = false;
  let finishReason: FinishReason | undefined;
  let usage: Usage | undefined;
  let response: { id?: string; modelId?: string } | undefined;
  const calls = new Map<number, ToolCallState>();

  for await (const chunk of chunks) {
    response ??= { id: chunk.id, modelId: chunk.model };
    if (chunk.usage !== undefined && chunk.usage !== null) usage = toChatUsage(chunk.usage);
    const choice = chunk.choices[0];
    if (choice === undefined) continue;
    const { delta } = choice;

    const reasoning = reasoningTextOf(delta);
    if (reasoning !== undefined) {
      if (!reasoningOpen) {
        reasoningOpen = true;
        yield { type: 'reasoning-start', id: REASONING_ID };
      }
      yield { type: 'reasoning-delta', id: REASONING_ID, delta: reasoning };
    }
    // A refusal streams as the answer's text; the finish reason then says content-filter.
    if (typeof delta.refusal === 'string' && delta.refusal !== '') refused = true;
    const text = (typeof delta.content === 'string' ? delta.content : '') + (delta.refusal ?? '');
    if (text !== '') {
      if (reasoningOpen) {
        reasoningOpen = false;
        yield { type: 'reasoning-end', id: REASONING_ID };
      }
      if (!textOpen) {
        textOpen = true;
        yield { type: 'text-start', id: TEXT_ID };
      }
      yield { type: 'text-delta', id: TEXT_ID, delta: text };
    }

    for (const [position, piece] of (delta.tool_calls ?? []).entries()) {
      // Some compatible servers send whole calls without an index: their place in the list is it.
      const index = (piece.index as number | undefined) ?? position;
      let call = calls.get(index);
      if (call === undefined) {
        call = { id: undefined, name: undefined, input: '', pending: [], started: false };
        calls.set(index, call);
      }
      call.id ??= piece.id;
      call.name ??= piece.function?.name;
      const argumentsPiece = piece.function?.arguments;
      if (argumentsPiece !== undefined && argumentsPiece !== '') call.pending.push(argumentsPiece);
      if (!call.started && call.id !== undefined && call.name !== undefined) {
        if (reasoningOpen) {
          reasoningOpen = false;
          yield { type: 'reasoning-end', id: REASONING_ID };
        }
        call.started = true;
        yield { type: 'tool-call-start', toolCallId: call.id, toolName: call.name };
      }
      if (call.started && call.id !== undefined) {
        for (const pending of call.pending) {
          call.input += pending;
          yield { type: 'tool-call-delta', toolCallId: call.id, delta: pending };
        }
        call.pending = [];
      }
    }
    if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
      finishReason = toChatFinishReason(choice.finish_reason);
    }
  }

  if (finishReason === undefined) throw streamEndedEarly(modelId);
  if (reasoningOpen) yield { type: 'reasoning-end', id: REASONING_ID };
  if (textOpen) yield { type: 'text-end', id: TEXT_ID };
  for (const [index, call] of [...calls].sort(([a], [b]) => a - b)) {
    // A call whose id or name never came still ends, under a made-up id, so its arguments reach
    // the agent, which reports what is missing.
    const toolCallId = call.id ?? `call_${index}`;
    const toolName = call.name ?? '';
    const input = call.input + call.pending.join('');
    if (!call.started) yield { type: 'tool-call-start', toolCallId, toolName };
    yield { type: 'tool-call-end', toolCallId, toolName, input };
  }
  yield {
    type: 'response-end',
    finishReason: refused ? 'content-filter' : finishReason,
    usage: usage ?? { ...UNKNOWN_USAGE },
    ...(response === undefined ? {} : { response }),
  };
}
