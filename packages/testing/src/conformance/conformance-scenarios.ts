import type { EmulatorFailure, EmulatorReply } from '../emulator/emulator-types.js';

const words = 'one two three four five six seven eight nine ten eleven twelve';

/** Sixty words, one every 100 ms: six seconds of stream, for the abort checks. */
const sixtyWords = Array.from({ length: 60 }, (_, index) => `word${index}`).join(' ');

/**
 * A tool call the checks script, with its id.
 *
 * @example
 * ```ts
 * const call: ConformanceToolCall = { id: 'call_1', name: 'get_time', arguments: '{"timezone":"UTC"}' };
 * ```
 */
export interface ConformanceToolCall {
  /** The call's id, which the provider must keep. */
  readonly id: string;
  /** The tool's name. */
  readonly name: string;
  /** The arguments as JSON text. */
  readonly arguments: string;
}

/**
 * The tool calls the checks script, by name.
 *
 * @example
 * ```ts
 * const calls: ConformanceToolCalls = conformanceToolCalls;
 * ```
 */
export interface ConformanceToolCalls {
  /** A call of `get_weather`. */
  readonly weather: ConformanceToolCall;
  /** A call of `get_time`, made beside the weather call. */
  readonly time: ConformanceToolCall;
}

/**
 * The call ids and arguments of the tool calls the checks script.
 *
 * @example
 * ```ts
 * conformanceToolCalls.weather.arguments; // '{"city":"Paris","unit":"celsius"}'
 * ```
 */
export const conformanceToolCalls: ConformanceToolCalls = {
  weather: {
    id: 'call_conformance_weather',
    name: 'get_weather',
    arguments: '{"city":"Paris","unit":"celsius"}',
  },
  time: {
    id: 'call_conformance_time',
    name: 'get_time',
    arguments: '{"timezone":"Europe/Paris"}',
  },
};

/**
 * The scenarios of the provider conformance kit, by name: see {@link conformanceScenarios}.
 *
 * @example
 * ```ts
 * const failure: EmulatorFailure = conformanceScenarios.rateLimited;
 * ```
 */
export interface ConformanceScenarios {
  /** A sentence streamed in four pieces. */
  readonly text: EmulatorReply;
  /** Reasoning, then a short text in two pieces. */
  readonly reasoning: EmulatorReply;
  /** A reply with input, output, cached input and reasoning token counts. */
  readonly usage: EmulatorReply;
  /** A reply cut short by the output limit (`length`). */
  readonly lengthStop: EmulatorReply;
  /** A refusal (`content-filter`). */
  readonly contentFilterStop: EmulatorReply;
  /** The two calls of {@link conformanceToolCalls} at once, arguments in three pieces each. */
  readonly parallelToolCalls: EmulatorReply;
  /** A tool call whose arguments are cut (not valid JSON), stopped for `length`. */
  readonly truncatedToolArguments: EmulatorReply;
  /** HTTP 429 with `retry-after: 7`. */
  readonly rateLimited: EmulatorFailure;
  /** HTTP 401. */
  readonly authFailed: EmulatorFailure;
  /** HTTP 500. */
  readonly serverError: EmulatorFailure;
  /** HTTP 503, overloaded. */
  readonly overloaded: EmulatorFailure;
  /** HTTP 400. */
  readonly badRequest: EmulatorFailure;
  /** Twelve pieces, the connection reset after five. */
  readonly resetMidStream: EmulatorReply;
  /** The connection reset before any event. */
  readonly resetBeforeFirstEvent: EmulatorReply;
  /** Twelve pieces, an event the parser must reject after three. */
  readonly malformedEvent: EmulatorReply;
  /** Twelve pieces, the vendor's error event (503, overloaded) after three. */
  readonly streamError: EmulatorReply;
  /** Three pieces, then silence with the connection open. */
  readonly stall: EmulatorReply;
  /** Sixty pieces, one every 100 ms. */
  readonly slowStream: EmulatorReply;
  /** An answer that starts after five seconds. */
  readonly slowStart: EmulatorReply;
}

/**
 * Every scenario the provider conformance kit scripts, by name, as the values the checks enqueue.
 * The built-in wire formats render them through the emulator; with your own protocol, your
 * `serve` encodes them. Use them to unit-test your encoder beside the kit:
 * `serve(toConformanceScenario(conformanceScenarios.parallelToolCalls, { body: {} }), request)`.
 *
 * - `text`: a sentence streamed in four pieces;
 * - `reasoning`: reasoning, then text;
 * - `usage`: input, output, cached input and reasoning token counts;
 * - `lengthStop`, `contentFilterStop`: the model stopped for length, or refused;
 * - `parallelToolCalls`: two tool calls at once, arguments in three pieces each;
 * - `truncatedToolArguments`: a tool call whose arguments are cut (not valid JSON);
 * - `rateLimited`: 429 with `retry-after: 7`; `authFailed` 401; `serverError` 500; `overloaded`
 *   503; `badRequest` 400;
 * - `resetMidStream`: the connection reset after five of twelve pieces; `resetBeforeFirstEvent`:
 *   reset before anything;
 * - `malformedEvent`: an event the parser must reject after three pieces; `streamError`: the
 *   vendor's error event (503 `overloaded`) after three pieces;
 * - `stall`: three pieces, then silence with the connection open;
 * - `slowStream`: sixty pieces, one every 100 ms (the abort checks cut it short);
 * - `slowStart`: an answer that starts after five seconds.
 *
 * @example
 * ```ts
 * import { conformanceScenarios, startEmulator } from '@agentry/testing';
 *
 * const emulator = await startEmulator();
 * emulator.enqueue(conformanceScenarios.rateLimited);
 * ```
 */
export const conformanceScenarios: ConformanceScenarios = {
  text: { text: 'The quick brown fox jumps over the lazy dog.', textChunks: 4 },
  reasoning: { reasoning: 'First, recall the capital of France.', text: 'Paris.', textChunks: 2 },
  usage: {
    text: 'Counted.',
    usage: { inputTokens: 1200, outputTokens: 300, cachedInputTokens: 1024, reasoningTokens: 128 },
  },
  lengthStop: { text: 'A long answer that was cut', finishReason: 'length' },
  contentFilterStop: { refusal: 'I cannot help with that.', finishReason: 'content-filter' },
  parallelToolCalls: {
    toolCalls: [{ ...conformanceToolCalls.weather }, { ...conformanceToolCalls.time }],
    argumentChunks: 3,
  },
  truncatedToolArguments: {
    toolCalls: [{ id: 'call_conformance_cut', name: 'get_weather', arguments: '{"city": "Par' }],
    finishReason: 'length',
  },
  rateLimited: {
    kind: 'error',
    status: 429,
    headers: { 'retry-after': '7' },
    message: 'Rate limit reached for requests.',
  },
  authFailed: { kind: 'error', status: 401, message: 'Incorrect API key provided.' },
  serverError: { kind: 'error', status: 500 },
  overloaded: { kind: 'error', status: 503, error: 'overloaded' },
  badRequest: { kind: 'error', status: 400, message: 'Invalid value for temperature.' },
  resetMidStream: { text: words, textChunks: 12, chunkDelayMs: 20, resetAfterChunks: 5 },
  resetBeforeFirstEvent: { text: words, resetAfterChunks: 0 },
  malformedEvent: { text: words, textChunks: 12, chunkDelayMs: 20, malformedAfterChunks: 3 },
  streamError: {
    text: words,
    textChunks: 12,
    chunkDelayMs: 20,
    streamError: { afterChunks: 3, failure: { kind: 'error', status: 503, error: 'overloaded' } },
  },
  stall: { text: words, textChunks: 12, stallAfterChunks: 3 },
  slowStream: { text: sixtyWords, textChunks: 60, chunkDelayMs: 100 },
  slowStart: { text: 'Too late.', delayMs: 5000 },
};

/**
 * The name of one of the {@link conformanceScenarios}.
 *
 * @example
 * ```ts
 * const name: ConformanceScenarioName = 'parallelToolCalls';
 * ```
 */
export type ConformanceScenarioName = keyof ConformanceScenarios;
