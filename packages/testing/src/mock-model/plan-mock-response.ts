import {
  AgentryError,
  type ModelRequest,
  type ModelResponse,
  type ModelStreamPart,
  type Usage,
} from '@agentry/core';
import type { MockTurn } from './mock-turn.js';

/** A turn rendered for one call: the stream's parts (the last ends it) and the whole response. @internal */
export interface MockPlan {
  /** Every part the stream sends, ending with `response-end` or `error`. */
  readonly parts: readonly ModelStreamPart[];
  /** What `generate` returns. */
  readonly response: ModelResponse;
}

/** What a plan needs besides the turn. @internal */
export interface MockPlanContext {
  /** The call's position among the model's calls, from 0. */
  readonly callIndex: number;
  /** The model's id, reported in `response.modelId`. */
  readonly modelId: string;
}

/**
 * Renders a checked turn into the exact parts a stream sends and the response `generate` returns,
 * so both methods answer with the same content.
 *
 * @throws AgentryError `validation_failed` when a tool call's input cannot be JSON-encoded
 * @internal
 */
export function planMockResponse(
  turn: MockTurn,
  request: ModelRequest,
  context: MockPlanContext,
): MockPlan {
  const content: ModelResponse['content'] = [];
  const parts: ModelStreamPart[] = [];

  const reasoningDeltas = toDeltas(turn.reasoning, 1);
  const reasoning = reasoningDeltas?.join('');
  if (reasoningDeltas !== undefined) {
    const id = 'reasoning-0';
    parts.push({ type: 'reasoning-start', id });
    for (const delta of reasoningDeltas) parts.push({ type: 'reasoning-delta', id, delta });
    parts.push({ type: 'reasoning-end', id });
    content.push({ type: 'reasoning', text: reasoning ?? '' });
  }

  const textDeltas = toDeltas(turn.text, turn.textChunks ?? 1);
  const text = textDeltas?.join('');
  if (textDeltas !== undefined) {
    const id = 'text-0';
    parts.push({ type: 'text-start', id });
    for (const delta of textDeltas) parts.push({ type: 'text-delta', id, delta });
    parts.push({ type: 'text-end', id });
    content.push({ type: 'text', text: text ?? '' });
  }

  let toolText = '';
  const toolCalls = turn.toolCalls ?? [];
  toolCalls.forEach((call, position) => {
    const toolCallId = call.toolCallId ?? `mock-call-${context.callIndex}-${position}`;
    const { toolName } = call;
    const input = encodeInput(call.input, position);
    parts.push({ type: 'tool-call-start', toolCallId, toolName });
    for (const delta of split(input, call.chunks ?? 1)) {
      parts.push({ type: 'tool-call-delta', toolCallId, delta });
    }
    parts.push({ type: 'tool-call-end', toolCallId, toolName, input });
    content.push({ type: 'tool-call', toolCallId, toolName, input });
    toolText += toolName + input;
  });

  const finishReason = turn.finishReason ?? (toolCalls.length > 0 ? 'tool-calls' : 'stop');
  const usage = computeUsage(turn, request, (reasoning ?? '') + (text ?? '') + toolText, reasoning);
  const response = { id: `mock-response-${context.callIndex}`, modelId: context.modelId };

  if (turn.errorAfterParts !== undefined) {
    const kept = parts.slice(0, turn.errorAfterParts.parts);
    kept.push({ type: 'error', error: turn.errorAfterParts.error });
    return { parts: kept, response: { content, finishReason, usage, response } };
  }
  parts.push({ type: 'response-end', finishReason, usage, response: { ...response } });
  return { parts, response: { content, finishReason, usage: { ...usage }, response } };
}

function toDeltas(
  value: string | readonly string[] | undefined,
  chunks: number,
): string[] | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? split(value, chunks) : [...value];
}

/**
 * Splits text into `count` pieces as even as possible, earlier pieces one longer. Splits by code
 * point so no piece holds half a surrogate pair; never makes empty pieces.
 */
function split(value: string, count: number): string[] {
  const characters = Array.from(value);
  const pieces = Math.min(count, characters.length);
  const result: string[] = [];
  const base = Math.floor(characters.length / Math.max(pieces, 1));
  const longer = characters.length % Math.max(pieces, 1);
  let start = 0;
  for (let index = 0; index < pieces; index += 1) {
    const size = base + (index < longer ? 1 : 0);
    result.push(characters.slice(start, start + size).join(''));
    start += size;
  }
  return result;
}

function encodeInput(input: unknown, position: number): string {
  if (typeof input === 'string') return input;
  if (input === undefined) return '{}';
  let encoded: string | undefined;
  try {
    encoded = JSON.stringify(input);
  } catch (error) {
    throw invalidInput(position, error);
  }
  if (encoded === undefined) throw invalidInput(position);
  return encoded;
}

function invalidInput(position: number, cause?: unknown): AgentryError {
  return new AgentryError({
    code: 'validation_failed',
    message: `Mock turn field toolCalls[${position}].input cannot be encoded as JSON. Pass a JSON value, or a string to send as-is.`,
    details: { path: `toolCalls[${position}].input` },
    suggestions: ['Pass plain JSON data, or the exact arguments text as a string.'],
    cause,
  });
}

function computeUsage(
  turn: MockTurn,
  request: ModelRequest,
  outputText: string,
  reasoning: string | undefined,
): Usage {
  const given = turn.usage ?? {};
  const inputTokens = given.inputTokens ?? estimateTokens(requestText(request));
  const outputTokens = given.outputTokens ?? estimateTokens(outputText);
  const usage: Usage = {
    inputTokens,
    outputTokens,
    totalTokens: given.totalTokens ?? inputTokens + outputTokens,
  };
  if (given.cachedInputTokens !== undefined) usage.cachedInputTokens = given.cachedInputTokens;
  if (given.cacheWriteInputTokens !== undefined) {
    usage.cacheWriteInputTokens = given.cacheWriteInputTokens;
  }
  const reasoningTokens =
    given.reasoningTokens ?? (reasoning === undefined ? undefined : estimateTokens(reasoning));
  if (reasoningTokens !== undefined) usage.reasoningTokens = reasoningTokens;
  return usage;
}

/** About four characters per token: the usual rule of thumb for English text. */
function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function requestText(request: ModelRequest): string {
  const pieces: string[] = [request.system ?? ''];
  for (const message of request.messages) {
    if (message.role === 'system') {
      pieces.push(message.content);
      continue;
    }
    for (const part of message.content) {
      switch (part.type) {
        case 'text':
        case 'reasoning':
          pieces.push(part.text);
          break;
        case 'tool-call':
          pieces.push(part.toolName, part.input);
          break;
        case 'tool-result':
          pieces.push(part.toolName, roughJson(part.output));
          break;
        case 'image':
          break;
      }
    }
  }
  for (const tool of request.tools ?? []) {
    pieces.push(tool.name, tool.description ?? '', roughJson(tool.inputSchema));
  }
  return pieces.join('');
}

/** JSON text for counting only: values JSON cannot encode count as their `String` form. */
function roughJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return String(value);
  }
}
