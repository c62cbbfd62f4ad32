import type { AgentryError, FinishReason, Usage } from '@agentry/core';

/**
 * One tool call in a {@link MockTurn}. The arguments are streamed as `tool-call-delta` pieces and
 * ended by a `tool-call-end` carrying the whole arguments text, which `generate` returns as the
 * `tool-call` part's `input`.
 *
 * @example
 * ```ts
 * import { type MockToolCall } from '@agentry/testing';
 *
 * const call: MockToolCall = { toolName: 'search', input: { query: 'weather' }, chunks: 3 };
 * const broken: MockToolCall = { toolName: 'search', input: '{"query": "wea' };
 * ```
 */
export interface MockToolCall {
  /** The call's id, which tool results refer to. Default `mock-call-<callIndex>-<position>`. */
  toolCallId?: string;
  /** The tool's name. */
  toolName: string;
  /**
   * The arguments. A string is sent exactly as given, so a test can send malformed or truncated
   * JSON; anything else is JSON-encoded. Default `{}`. (To send the JSON string `"x"`, pass
   * `'"x"'`.)
   */
  input?: unknown;
  /**
   * Splits the arguments text into this many `tool-call-delta` pieces (as even as possible, never
   * splitting a character, and never more pieces than characters). A positive integer; default 1.
   */
  chunks?: number;
}

/**
 * One scripted model response: what the mock model sends for one call to `generate` or `stream`.
 * Every field is optional; `{}` is an empty answer that stops.
 *
 * Streams send, in order: reasoning (`reasoning-start`, deltas, `reasoning-end`, id `reasoning-0`),
 * text (`text-start`, deltas, `text-end`, id `text-0`), each tool call (`tool-call-start`, deltas,
 * `tool-call-end`), and one `response-end`. `generate` returns the same content, in the same order.
 *
 * @example
 * ```ts
 * import { type MockTurn } from '@agentry/testing';
 *
 * const turn: MockTurn = {
 *   reasoning: 'The user wants the weather.',
 *   text: 'Let me look that up.',
 *   textChunks: 4,
 *   toolCalls: [{ toolName: 'weather', input: { city: 'Oslo' }, chunks: 2 }],
 *   usage: { inputTokens: 120, outputTokens: 30 },
 *   delayMs: 200,
 * };
 * ```
 */
export interface MockTurn {
  /**
   * The answer's text. A string is sent as `textChunks` deltas; an array is sent as exactly those
   * deltas (empty strings included), and its join is the text.
   */
  text?: string | readonly string[];
  /** Splits a string `text` into this many deltas. A positive integer; default 1. */
  textChunks?: number;
  /** The model's reasoning, sent before the text: a string as one delta, an array as those deltas. */
  reasoning?: string | readonly string[];
  /** Tool calls, sent after the text in this order. */
  toolCalls?: readonly MockToolCall[];
  /** Why the model stopped. Default `tool-calls` when there are tool calls, otherwise `stop`. */
  finishReason?: FinishReason;
  /**
   * Tokens used. Fields given here are used exactly; the others are estimated at about four
   * characters per token: `inputTokens` from the request's system text, messages and tool specs
   * (images count nothing), `outputTokens` from the reasoning, text, tool names and arguments,
   * `reasoningTokens` from the reasoning (only when there is some), and `totalTokens` as input plus
   * output.
   */
  usage?: Partial<Usage>;
  /**
   * Fails the call before any output (after `delayMs`): `generate` rejects with it, and the
   * stream's iterator throws it from its first `next()`. Takes precedence over everything else.
   */
  error?: AgentryError;
  /**
   * Fails a stream part-way: it sends the first `parts` parts of the response (never the
   * `response-end`), then an `error` part, then ends. `generate` rejects with the error instead.
   */
  errorAfterParts?: {
    /** How many parts to send before the `error` part; a non-negative integer. */
    parts: number;
    /** The error the `error` part carries. */
    error: AgentryError;
  };
  /** Milliseconds to wait before the first part (stream) or before returning (generate). */
  delayMs?: number;
  /** Milliseconds to wait between two stream parts; `generate` ignores it. */
  chunkDelayMs?: number;
}

/**
 * Builds a {@link MockTurn} that answers with text.
 *
 * The turn finishes with `stop` unless `extra` says otherwise; `extra` may set every other turn
 * field (reasoning, usage, delays, errors, tool calls).
 *
 * @param text - the text, or the exact deltas to stream
 * @param extra - the turn's other fields
 * @example
 * ```ts
 * const model = createMockModel({
 *   script: [mockText('Hello!'), mockText(['Hel', 'lo', '!'], { chunkDelayMs: 10 })],
 * });
 * ```
 */
export function mockText(
  text: string | readonly string[],
  extra: Omit<MockTurn, 'text'> = {},
): MockTurn {
  return { ...extra, text };
}

/**
 * Builds a {@link MockTurn} that calls one tool.
 *
 * `extra` takes the tool call's own fields (`toolCallId`, `chunks`) and any turn field (text said
 * before the call, usage, delays, errors). The turn finishes with `tool-calls` unless `extra` sets
 * `finishReason`. For several calls in one turn, write `{ toolCalls: [...] }` directly.
 *
 * @param toolName - the tool's name
 * @param input - the arguments: an object is JSON-encoded, a string is sent as-is (possibly
 *   malformed JSON); default `{}`
 * @param extra - the call's id and chunking, and the turn's other fields
 * @example
 * ```ts
 * const model = createMockModel({
 *   script: [
 *     mockToolCall('weather', { city: 'Oslo' }, { toolCallId: 'call-1', text: 'Checking.' }),
 *     mockText('It is sunny in Oslo.'),
 *   ],
 * });
 * ```
 */
export function mockToolCall(
  toolName: string,
  input?: unknown,
  extra: Omit<MockToolCall, 'toolName' | 'input'> & Omit<MockTurn, 'toolCalls'> = {},
): MockTurn {
  const { toolCallId, chunks, ...turn } = extra;
  const call: MockToolCall = { toolName, input };
  if (toolCallId !== undefined) call.toolCallId = toolCallId;
  if (chunks !== undefined) call.chunks = chunks;
  return { ...turn, toolCalls: [call] };
}
