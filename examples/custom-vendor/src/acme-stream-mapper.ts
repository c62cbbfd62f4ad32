import {
  createProviderError,
  type FinishReason,
  type ModelResponse,
  type ModelStreamPart,
  type Usage,
} from '@agentry/core';
import type { AcmeAnswer, AcmeFrame, AcmeMeter, AcmeStop } from './acme-protocol.js';
import { PROVIDER_NAME } from './to-acme-request.js';

const finishReasons: Record<AcmeStop, FinishReason> = {
  done: 'stop',
  max_output: 'length',
  calls: 'tool-calls',
  blocked: 'content-filter',
};

/** Acme's stop reason as Agentry's finish reason (`other` for one this provider does not know). */
export function toFinishReason(stop: AcmeStop): FinishReason {
  return finishReasons[stop] ?? 'other';
}

/** Acme's meter as Agentry's usage: `in` already counts cached tokens, `out` thinking ones. */
export function toUsage(meter: AcmeMeter | undefined): Usage {
  const input = meter?.in ?? 0;
  const output = meter?.out ?? 0;
  return {
    inputTokens: input,
    outputTokens: output,
    totalTokens: input + output,
    cachedInputTokens: meter?.cached ?? 0,
    reasoningTokens: meter?.thinking ?? 0,
  };
}

/**
 * Maps a complete Acme answer to a model response: thoughts, text and calls in order.
 *
 * @example
 * ```ts
 * toModelResponse({ id: 'a1', output: [{ text: 'Hi' }], stop: 'done', meter }, 'acme-large').content;
 * // [{ type: 'text', text: 'Hi' }]
 * ```
 */
export function toModelResponse(answer: AcmeAnswer, modelId: string): ModelResponse {
  const content: ModelResponse['content'] = [];
  for (const item of answer.output) {
    if ('text' in item) content.push({ type: 'text', text: item.text });
    else if ('thought' in item) content.push({ type: 'reasoning', text: item.thought });
    else if ('call' in item) {
      const { ref, tool, args } = item.call;
      content.push({ type: 'tool-call', toolCallId: ref, toolName: tool, input: args });
    }
  }
  return {
    content,
    finishReason: toFinishReason(answer.stop),
    usage: toUsage(answer.meter),
    response: { id: answer.id, modelId },
  };
}

/** Turns Acme's frames into Agentry's stream parts, one frame at a time. */
export interface AcmeStreamMapper {
  /** The parts one frame makes (none for `begin`). */
  push(frame: Exclude<AcmeFrame, { frame: 'fault' }>): ModelStreamPart[];
  /** Whether the `end` frame came. */
  readonly finished: boolean;
}

/**
 * Creates the mapper of one streamed answer. Thoughts and text open a block at their first frame
 * and close it when something else comes; a `call` frame opens a tool call, its `args` frames
 * stream the arguments text as it comes, and `end` closes every call (with its whole arguments
 * text) before the one `response-end`.
 *
 * @example
 * ```ts
 * const mapper = createAcmeStreamMapper('acme-large');
 * mapper.push({ frame: 'say', text: 'Hi' }); // text-start, text-delta
 * ```
 */
export function createAcmeStreamMapper(modelId: string): AcmeStreamMapper {
  let responseId: string | undefined;
  let open: { type: 'text' | 'reasoning'; id: string } | undefined;
  let blocks = 0;
  const calls = new Map<string, { tool: string; args: string }>();
  let finished = false;

  const close = (): ModelStreamPart[] => {
    if (open === undefined) return [];
    const { type, id } = open;
    open = undefined;
    return [type === 'text' ? { type: 'text-end', id } : { type: 'reasoning-end', id }];
  };
  const delta = (type: 'text' | 'reasoning', text: string): ModelStreamPart[] => {
    const parts = open?.type === type ? [] : close();
    if (open === undefined) {
      open = { type, id: `${type}-${blocks}` };
      blocks += 1;
      parts.push(
        type === 'text'
          ? { type: 'text-start', id: open.id }
          : { type: 'reasoning-start', id: open.id },
      );
    }
    if (text !== '') {
      parts.push(
        type === 'text'
          ? { type: 'text-delta', id: open.id, delta: text }
          : { type: 'reasoning-delta', id: open.id, delta: text },
      );
    }
    return parts;
  };

  return {
    get finished() {
      return finished;
    },
    push(frame) {
      switch (frame.frame) {
        case 'begin':
          responseId = frame.id;
          return [];
        case 'thought':
          return delta('reasoning', frame.text);
        case 'say':
          return delta('text', frame.text);
        case 'call': {
          calls.set(frame.ref, { tool: frame.tool, args: '' });
          return [
            ...close(),
            { type: 'tool-call-start', toolCallId: frame.ref, toolName: frame.tool },
          ];
        }
        case 'args': {
          const call = calls.get(frame.ref);
          if (call === undefined) {
            throw createProviderError({
              provider: PROVIDER_NAME,
              code: 'provider_unavailable',
              message: `Acme sent arguments for call "${frame.ref}", which it never opened.`,
            });
          }
          call.args += frame.piece;
          return [{ type: 'tool-call-delta', toolCallId: frame.ref, delta: frame.piece }];
        }
        case 'end': {
          finished = true;
          const parts = close();
          for (const [ref, call] of calls) {
            parts.push({
              type: 'tool-call-end',
              toolCallId: ref,
              toolName: call.tool,
              input: call.args,
            });
          }
          parts.push({
            type: 'response-end',
            finishReason: toFinishReason(frame.stop),
            usage: toUsage(frame.meter),
            response: { ...(responseId !== undefined ? { id: responseId } : {}), modelId },
          });
          return parts;
        }
      }
    },
  };
}
