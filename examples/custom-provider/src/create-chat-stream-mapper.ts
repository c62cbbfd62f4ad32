import type { FinishReason, ModelStreamPart, Usage } from '@agentry/core';
import {
  isJsonObject,
  jsonObjects,
  reasoningOf,
  toFinishReason,
  toUsage,
  type JsonObject,
} from './chat-response.js';

/** Turns Chat Completions chunks into model stream parts, one chunk at a time. */
export interface ChatStreamMapper {
  /** The parts one chunk (a parsed `chat.completion.chunk`) adds. */
  push(chunk: JsonObject): ModelStreamPart[];
  /** The closing parts: the ends of blocks and calls still open, then `response-end`. */
  end(): ModelStreamPart[];
  /** Whether the server has said why the model stopped (`finish_reason`). */
  readonly finished: boolean;
}

interface OpenCall {
  toolCallId: string;
  toolName: string;
  input: string;
}

/**
 * Creates the state machine that maps a Chat Completions stream to model stream parts:
 *
 * - `delta.reasoning_content` or `delta.reasoning` opens a reasoning block, `delta.content` a
 *   text block; a block ends when the other kind starts, or at the finish;
 * - each `delta.tool_calls[]` entry is keyed by its `index`: the first one opens the call with its
 *   id and name (`tool-call-start`), and each piece of `function.arguments` is a
 *   `tool-call-delta`; `tool-call-end` carries the whole arguments text, unparsed;
 * - `finish_reason` closes everything open; `response-end` comes from {@link ChatStreamMapper.end},
 *   after the usage chunk that servers send last.
 *
 * @example
 * ```ts
 * const mapper = createChatStreamMapper();
 * for (const chunk of chunks) yield* mapper.push(chunk);
 * yield* mapper.end();
 * ```
 */
export function createChatStreamMapper(): ChatStreamMapper {
  let block: { type: 'text' | 'reasoning'; id: string } | undefined;
  let blocks = 0;
  const calls = new Map<number, OpenCall>();
  const openCalls: OpenCall[] = [];
  let finishReason: FinishReason | undefined;
  let usage: Usage = toUsage(undefined);
  let response: { id?: string; modelId?: string } | undefined;

  const closeBlock = (parts: ModelStreamPart[]): void => {
    if (block !== undefined) parts.push({ type: `${block.type}-end`, id: block.id });
    block = undefined;
  };

  const write = (parts: ModelStreamPart[], type: 'text' | 'reasoning', delta: string): void => {
    if (block?.type !== type) {
      closeBlock(parts);
      block = { type, id: `${type}-${blocks++}` };
      parts.push({ type: `${type}-start`, id: block.id });
    }
    parts.push({ type: `${type}-delta`, id: block.id, delta });
  };

  const closeAll = (parts: ModelStreamPart[]): void => {
    closeBlock(parts);
    for (const call of openCalls.splice(0)) {
      parts.push({
        type: 'tool-call-end',
        toolCallId: call.toolCallId,
        toolName: call.toolName,
        input: call.input,
      });
    }
  };

  return {
    get finished() {
      return finishReason !== undefined;
    },
    push(chunk) {
      const parts: ModelStreamPart[] = [];
      response ??= {
        ...(typeof chunk.id === 'string' ? { id: chunk.id } : {}),
        ...(typeof chunk.model === 'string' ? { modelId: chunk.model } : {}),
      };
      if (isJsonObject(chunk.usage)) usage = toUsage(chunk.usage);
      const choice = jsonObjects(chunk.choices)[0];
      const delta = choice !== undefined && isJsonObject(choice.delta) ? choice.delta : {};
      const reasoning = reasoningOf(delta);
      if (reasoning !== undefined) write(parts, 'reasoning', reasoning);
      if (typeof delta.content === 'string' && delta.content !== '')
        write(parts, 'text', delta.content);
      jsonObjects(delta.tool_calls).forEach((entry, position) => {
        const index = typeof entry.index === 'number' ? entry.index : position;
        const fn = isJsonObject(entry.function) ? entry.function : {};
        let call = calls.get(index);
        if (call === undefined) {
          call = {
            toolCallId: typeof entry.id === 'string' ? entry.id : `call_${crypto.randomUUID()}`,
            toolName: typeof fn.name === 'string' ? fn.name : '',
            input: '',
          };
          calls.set(index, call);
          openCalls.push(call);
          parts.push({
            type: 'tool-call-start',
            toolCallId: call.toolCallId,
            toolName: call.toolName,
          });
        }
        // Some servers send a whole call at once, with its arguments as an object.
        const piece =
          typeof fn.arguments === 'string'
            ? fn.arguments
            : isJsonObject(fn.arguments)
              ? JSON.stringify(fn.arguments)
              : '';
        if (piece !== '') {
          call.input += piece;
          parts.push({ type: 'tool-call-delta', toolCallId: call.toolCallId, delta: piece });
        }
      });
      if (choice !== undefined && typeof choice.finish_reason === 'string') {
        finishReason = toFinishReason(choice.finish_reason);
        closeAll(parts);
      }
      return parts;
    },
    end() {
      const parts: ModelStreamPart[] = [];
      closeAll(parts);
      parts.push({
        type: 'response-end',
        finishReason: finishReason ?? 'other',
        usage,
        ...(response !== undefined && Object.keys(response).length > 0 ? { response } : {}),
      });
      return parts;
    },
  };
}
