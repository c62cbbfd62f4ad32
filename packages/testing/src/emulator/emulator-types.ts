/**
 * The wire formats the provider emulator speaks.
 *
 * @example
 * ```ts
 * import { startEmulator, type EmulatorApi } from '@agentry/testing';
 *
 * const emulator = await startEmulator({ defaultTurn: { text: 'Hello' } });
 * // Point an SDK at the emulator in the wire format it speaks.
 * const api: EmulatorApi = 'anthropic';
 * console.log(emulator.baseURL(api)); // http://127.0.0.1:<port>/anthropic
 * await emulator.close();
 * ```
 */
export type EmulatorApi = 'openai-chat' | 'openai-responses' | 'anthropic' | 'google';

/**
 * Usage the emulator reports; omitted counts are worked out from the text.
 *
 * @example
 * ```ts
 * import type { EmulatorReply, EmulatorUsage } from '@agentry/testing';
 *
 * // Fixed counts, so a test can assert the usage a provider reports; omitted counts are worked out.
 * const usage: EmulatorUsage = { inputTokens: 120, outputTokens: 8, cachedInputTokens: 100 };
 * const reply: EmulatorReply = { text: 'It is sunny.', usage };
 * ```
 */
export interface EmulatorUsage {
  /** Prompt tokens. */
  inputTokens?: number;
  /** Completion tokens. */
  outputTokens?: number;
  /** Prompt tokens served from the vendor's cache. */
  cachedInputTokens?: number;
  /**
   * Prompt tokens written to the vendor's cache (part of `inputTokens`); only Anthropic's wire
   * reports them (`cache_creation_input_tokens`).
   */
  cacheWriteInputTokens?: number;
  /** Tokens spent reasoning. */
  reasoningTokens?: number;
}

/**
 * A tool call in a scripted reply.
 *
 * @example
 * ```ts
 * import type { EmulatorReply, EmulatorToolCall } from '@agentry/testing';
 *
 * const weather: EmulatorToolCall = { id: 'call_1', name: 'get_weather', arguments: '{"city":"Lisbon"}' };
 * // Arguments are sent as written, so a test can script JSON cut short.
 * const broken: EmulatorToolCall = { name: 'get_time', arguments: '{"zone":"Eur' };
 * const reply: EmulatorReply = { toolCalls: [weather, broken], argumentChunks: 3 };
 * ```
 */
export interface EmulatorToolCall {
  /** The call's id; one is made up when omitted. */
  id?: string;
  /** The tool's name. */
  name: string;
  /** The arguments as JSON text, sent as given (so malformed or truncated JSON can be scripted). */
  arguments: string;
}

/**
 * A scripted answer: text, reasoning and tool calls, with how to stream them.
 *
 * @example
 * ```ts
 * import { startEmulator, type EmulatorReply } from '@agentry/testing';
 *
 * // Reasoning, then text streamed in four pieces, 20 ms apart; the connection resets after 3 events.
 * const reply: EmulatorReply = {
 *   reasoning: 'The user wants a greeting.',
 *   text: 'Hello there, friend!',
 *   textChunks: 4,
 *   chunkDelayMs: 20,
 *   resetAfterChunks: 3,
 * };
 * const emulator = await startEmulator();
 * emulator.enqueue(reply);
 * await emulator.close();
 * ```
 */
export interface EmulatorReply {
  /** Discriminant; may be omitted. */
  kind?: 'reply';
  /** The answer's text. */
  text?: string;
  /** Reasoning text, streamed before the answer by vendors that expose it. */
  reasoning?: string;
  /** Tool calls in order; more than one is a parallel call. */
  toolCalls?: EmulatorToolCall[];
  /** A refusal: the vendor's refusal or safety stop, with this explanation where the format has one. */
  refusal?: string;
  /** Why the model stopped; by default `tool-calls` with tool calls, `content-filter` with a refusal, else `stop`. */
  finishReason?: 'stop' | 'length' | 'tool-calls' | 'content-filter';
  /** Token counts. */
  usage?: EmulatorUsage;
  /** Into how many pieces the text (and the reasoning) is split when streamed (default: one piece per word). */
  textChunks?: number;
  /** Into how many pieces each tool call's arguments are split when streamed (default 1). */
  argumentChunks?: number;
  /** Milliseconds before the response starts. */
  delayMs?: number;
  /** Milliseconds between streamed events. */
  chunkDelayMs?: number;
  /** Destroys the connection after this many streamed events: a reset mid-stream. */
  resetAfterChunks?: number;
  /** Sends an event that is not valid SSE JSON after this many streamed events, then ends. */
  malformedAfterChunks?: number;
  /** Sends the vendor's in-stream error event after this many streamed events, then ends. */
  streamError?: {
    /** How many events are sent before the error event. */
    afterChunks: number;
    /** The failure the error event reports. */
    failure: EmulatorFailure;
  };
  /**
   * Stops sending after this many streamed events and keeps the connection open without a byte
   * more, until the client gives up or the emulator closes: a stalled stream.
   */
  stallAfterChunks?: number;
  /**
   * After `afterChunks` events of this reply, the events of another reply follow in the same
   * body (its own response id, its own start event): a second response spliced into the first,
   * as a broken proxy may send it. The cuts above count the events of both.
   */
  splice?: {
    /** How many events of this reply are sent before the other's. */
    afterChunks: number;
    /** The reply whose events follow. */
    reply: EmulatorReply;
  };
  /**
   * Raw lines written before each event's own fields, such as `id: 7`, `retry: 3000`, a comment
   * (`: keep-alive`) or a field the SSE specification says to ignore (`x-proxy: edge`), as a
   * proxy may add them. A line may hold `{n}`, replaced by the event's number from 1.
   */
  sseFields?: string[];
  /**
   * Gemini only: each tool call streams as Vertex AI's `streamFunctionCallArguments` does: a
   * part with the call's id and name and `willContinue: true`, then one part per top-level
   * argument (`partialArgs` with its JSON path, a string value split into `argumentChunks`
   * pieces chained with `willContinue`), then a closing part without `willContinue`. The
   * arguments must be a JSON object.
   */
  partialArguments?: boolean;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

/**
 * The kinds of failure the emulator renders in each vendor's own error format.
 *
 * @example
 * ```ts
 * import type { EmulatorErrorType, EmulatorFailure } from '@agentry/testing';
 *
 * // A 400 that each vendor's format reports as a prompt too long for the model.
 * const error: EmulatorErrorType = 'context_length';
 * const failure: EmulatorFailure = { kind: 'error', status: 400, error };
 * ```
 */
export type EmulatorErrorType =
  | 'invalid_request'
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'rate_limit'
  | 'context_length'
  | 'content_filter'
  | 'server'
  | 'overloaded';

/**
 * A scripted failure: an HTTP error in the vendor's format.
 *
 * @example
 * ```ts
 * import { startEmulator, type EmulatorFailure } from '@agentry/testing';
 *
 * // A rate limit with the header a provider must honour before retrying.
 * const rateLimited: EmulatorFailure = {
 *   kind: 'error',
 *   status: 429,
 *   headers: { 'retry-after': '2' },
 *   message: 'Slow down.',
 * };
 * const emulator = await startEmulator();
 * emulator.enqueue(rateLimited, { text: 'Done after the wait.' });
 * await emulator.close();
 * ```
 */
export interface EmulatorFailure {
  /** Discriminant. */
  kind: 'error';
  /** The HTTP status. */
  status: number;
  /** The vendor error it stands for (default worked out from the status). */
  error?: EmulatorErrorType;
  /** The error's message. */
  message?: string;
  /** Extra response headers, such as `retry-after`. */
  headers?: Record<string, string>;
  /** A raw body sent instead of the vendor-shaped one (a string is sent as is). */
  body?: string | Record<string, unknown>;
  /** Milliseconds before the response. */
  delayMs?: number;
}

/**
 * One scripted turn, or a function of the request that returns one.
 *
 * @example
 * ```ts
 * import { startEmulator, type EmulatorTurn } from '@agentry/testing';
 *
 * // A turn computed from the request: the answer names the model that was asked for.
 * const echoModel: EmulatorTurn = (request) => ({ text: `You asked ${request.model ?? 'no model'}.` });
 * const emulator = await startEmulator({ defaultTurn: echoModel });
 * await emulator.close();
 * ```
 */
export type EmulatorTurn =
  EmulatorReply | EmulatorFailure | ((request: EmulatorRequest) => EmulatorReply | EmulatorFailure);

/**
 * A request the emulator received, as the tests see it.
 *
 * @example
 * ```ts
 * import { startEmulator, type EmulatorRequest } from '@agentry/testing';
 *
 * const emulator = await startEmulator({ defaultTurn: { text: 'Hi' } });
 * // … the provider under test makes a call …
 * const first: EmulatorRequest | undefined = emulator.requests[0];
 * console.log(first?.api, first?.model, first?.stream, first?.headers['authorization']);
 * await emulator.close();
 * ```
 */
export interface EmulatorRequest {
  /** The wire format that served it. */
  api: EmulatorApi;
  /** The HTTP method. */
  method: string;
  /** The path, without the query. */
  path: string;
  /** The query parameters. */
  query: Record<string, string>;
  /** The request headers, lower-cased. */
  headers: Record<string, string>;
  /** The parsed JSON body. */
  body: unknown;
  /** The model named in the request. */
  model: string | undefined;
  /** Whether a stream was asked for. */
  stream: boolean;
}

/** One server-sent event. */
export interface SseEvent {
  /** The `event:` field, when the format names events. */
  event?: string;
  /** The `data:` field. */
  data: string;
}

/** A reply with defaults filled in and its streamed pieces worked out, as wire formats render it. */
export interface NormalizedReply {
  /** The whole text (may be empty). */
  text: string;
  /** The text's streamed pieces, in order; they join to `text`. */
  textChunks: string[];
  /** The whole reasoning (may be empty). */
  reasoning: string;
  /** The reasoning's streamed pieces. */
  reasoningChunks: string[];
  /** Tool calls with ids and their arguments' streamed pieces. */
  toolCalls: {
    /** The call's id. */
    id: string;
    /** The tool's name. */
    name: string;
    /** The arguments as JSON text, as scripted. */
    arguments: string;
    /** The arguments' streamed pieces; they join to `arguments`. */
    argumentChunks: string[];
  }[];
  /** The refusal text, when the reply is a refusal. */
  refusal: string | undefined;
  /** Why the model stopped. */
  finishReason: 'stop' | 'length' | 'tool-calls' | 'content-filter';
  /** Token counts, all filled in. */
  usage: Required<EmulatorUsage>;
  /** A response id, unique per reply. */
  id: string;
  /** Seconds since the epoch when the reply was made. */
  created: number;
  /** Whether tool calls stream their arguments in pieces by JSON path (Gemini's `partialArgs`). */
  partialArguments: boolean;
}

/**
 * How the emulator speaks one vendor API: which requests it serves and how replies and failures
 * look on the wire. The server does the rest (scripts, delays, resets, malformed events).
 *
 * @internal
 */
export interface WireFormat {
  /** The API. */
  readonly api: EmulatorApi;
  /** The first path segment the vendor's base URL carries: `/openai`, `/anthropic` or `/google`. */
  readonly prefix: '/openai' | '/anthropic' | '/google';
  /**
   * Whether this format serves a request (`path` is after the prefix, without the query); returns
   * whether a stream is asked for and the model, or `undefined`.
   */
  match(
    method: string,
    path: string,
    query: URLSearchParams,
    body: unknown,
  ): { stream: boolean; model: string | undefined } | undefined;
  /** The JSON body of a complete (non-streamed) reply. */
  replyBody(reply: NormalizedReply, request: EmulatorRequest): unknown;
  /** The events of a streamed reply, in order, ending with the format's last event. */
  replyEvents(reply: NormalizedReply, request: EmulatorRequest): SseEvent[];
  /** The JSON body of an HTTP error. */
  errorBody(failure: EmulatorFailure & { error: EmulatorErrorType; message: string }): unknown;
  /** The event that reports an error mid-stream. */
  streamErrorEvent(
    failure: EmulatorFailure & { error: EmulatorErrorType; message: string },
  ): SseEvent;
}
