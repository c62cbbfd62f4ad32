import { randomBytes } from 'node:crypto';
import type { EmulatorReply, EmulatorRequest, NormalizedReply } from './emulator-types.js';

/** What a reply's normalization needs besides the reply. @internal */
export interface NormalizeReplyContext {
  /** Makes ids: `generateId('call_')` for tool calls, `generateId('')` for the response id. */
  readonly generateId?: (prefix: string) => string;
  /** Milliseconds since the epoch; default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Fills in a scripted reply's defaults and works out its streamed pieces, so every wire format
 * renders the same content:
 *
 * - `finishReason`: `tool-calls` with tool calls, `content-filter` with a refusal, else `stop`;
 * - the text and the reasoning are split into `textChunks` pieces as even as possible, or by
 *   default one piece per word, each keeping the spaces after it, so the pieces join back exactly;
 * - each tool call's arguments are split into `argumentChunks` pieces (default 1), and a missing id
 *   becomes `call_` and 24 random characters;
 * - usage: input tokens default to the request's JSON size over four, output tokens to the size
 *   over four of everything the reply says (text, reasoning, refusal, tool names and arguments),
 *   reasoning tokens to the reasoning's size over four, cached input tokens to 0 (all rounded up);
 * - a unique response id and the creation time in seconds.
 *
 * @example
 * ```ts
 * const reply = normalizeReply({ text: 'Hello there' }, request);
 * reply.textChunks; // ['Hello ', 'there']
 * ```
 * @internal
 */
export function normalizeReply(
  reply: EmulatorReply,
  request: Pick<EmulatorRequest, 'body'>,
  context: NormalizeReplyContext = {},
): NormalizedReply {
  const generateId = context.generateId ?? randomId;
  const now = context.now ?? Date.now;
  const text = reply.text ?? '';
  const reasoning = reply.reasoning ?? '';
  const toolCalls = (reply.toolCalls ?? []).map((call) => ({
    id: call.id ?? generateId('call_'),
    name: call.name,
    arguments: call.arguments,
    argumentChunks: splitEvenly(call.arguments, reply.argumentChunks ?? 1),
  }));
  const finishReason =
    reply.finishReason ??
    (toolCalls.length > 0 ? 'tool-calls' : reply.refusal !== undefined ? 'content-filter' : 'stop');
  const spoken =
    text +
    reasoning +
    (reply.refusal ?? '') +
    toolCalls.map((call) => call.name + call.arguments).join('');
  return {
    text,
    textChunks: splitText(text, reply.textChunks),
    reasoning,
    reasoningChunks: splitText(reasoning, reply.textChunks),
    toolCalls,
    refusal: reply.refusal,
    finishReason,
    usage: {
      inputTokens: reply.usage?.inputTokens ?? estimateTokens(jsonText(request.body)),
      outputTokens: reply.usage?.outputTokens ?? estimateTokens(spoken),
      cachedInputTokens: reply.usage?.cachedInputTokens ?? 0,
      cacheWriteInputTokens: reply.usage?.cacheWriteInputTokens ?? 0,
      reasoningTokens: reply.usage?.reasoningTokens ?? estimateTokens(reasoning),
    },
    id: generateId(''),
    created: Math.floor(now() / 1000),
    partialArguments: reply.partialArguments === true,
  };
}

/** About four characters a token, rounded up. */
function estimateTokens(value: string): number {
  return Math.ceil(value.length / 4);
}

function jsonText(body: unknown): string {
  if (body === undefined) return '';
  try {
    return JSON.stringify(body) ?? '';
  } catch {
    return '';
  }
}

function splitText(value: string, chunks: number | undefined): string[] {
  if (value === '') return [];
  if (chunks !== undefined) return splitEvenly(value, chunks);
  // Each word with the spaces around it: leading spaces go with the first word, the rest trail.
  return value.match(/\s*\S+\s*/g) ?? [value];
}

/**
 * Splits text into `count` pieces as even as possible, earlier pieces one longer, by code point
 * (no piece holds half a surrogate pair) and never into empty pieces. Empty text is one empty piece
 * for tool arguments (a call with no arguments still streams its start).
 */
function splitEvenly(value: string, count: number): string[] {
  const characters = Array.from(value);
  const pieces = Math.max(1, Math.min(Math.floor(count), characters.length));
  if (characters.length === 0) return [''];
  const base = Math.floor(characters.length / pieces);
  const longer = characters.length % pieces;
  const result: string[] = [];
  let start = 0;
  for (let index = 0; index < pieces; index += 1) {
    const size = base + (index < longer ? 1 : 0);
    result.push(characters.slice(start, start + size).join(''));
    start += size;
  }
  return result;
}

const idAlphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomId(prefix: string): string {
  const bytes = randomBytes(24);
  let id = prefix;
  for (const byte of bytes) id += idAlphabet[byte % idAlphabet.length];
  return id;
}
