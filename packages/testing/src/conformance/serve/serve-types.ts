import type {
  EmulatorErrorType,
  EmulatorFailure,
  EmulatorReply,
  NormalizedReply,
} from '../../emulator/emulator-types.js';

/**
 * One scripted answer of a conformance check, as a value: a reply (text, reasoning, tool calls,
 * usage, and how it is paced or cut short) or an HTTP failure. It is the emulator's own turn
 * without its functions, so the same values drive the built-in wire formats and an author's
 * {@link ConformanceServe}.
 *
 * @example
 * ```ts
 * const rateLimited: ConformanceTurn = {
 *   kind: 'error',
 *   status: 429,
 *   headers: { 'retry-after': '7' },
 * };
 * ```
 */
export type ConformanceTurn = EmulatorReply | EmulatorFailure;

/**
 * How the kit cuts a streamed answer short after `afterEvents` of the events your
 * {@link ConformanceServe} returned:
 *
 * - `reset`: the kit destroys the connection (a TCP reset), as a dropped connection does;
 * - `stall`: the kit sends nothing more and keeps the connection open until the client gives up;
 * - `malformed`: the kit sends your answer's `faultEvent`, an event your protocol's parser must
 *   reject, then ends the body;
 * - `error`: the kit sends your answer's `faultEvent`, your vendor's in-stream error event for
 *   `failure`, then ends the body.
 *
 * @example
 * ```ts
 * function faultEvent(fault: ConformanceStreamFault | undefined): string | undefined {
 *   if (fault?.kind === 'malformed') return '{"type":"delta","text":\n';
 *   if (fault?.kind === 'error') return `${JSON.stringify({ type: 'error', code: fault.failure.error })}\n`;
 *   return undefined;
 * }
 * ```
 */
export type ConformanceStreamFault =
  | {
      /** A reset or a stall (the kit does both), or a malformed event (your `faultEvent`). */
      kind: 'reset' | 'stall' | 'malformed';
      /** How many of your events are sent first. */
      afterEvents: number;
    }
  | {
      /** Your vendor's in-stream error event (your `faultEvent`). */
      kind: 'error';
      /** How many of your events are sent first. */
      afterEvents: number;
      /** The failure the error event reports. */
      failure: ConformanceFailure;
    };

/**
 * A failure to encode: the HTTP status, the kind of vendor error it stands for, a message, and
 * the headers the vendor sends with it (such as `retry-after`). Send the status and the headers
 * your vendor would send; the kit sends only what your answer says.
 *
 * @example
 * ```ts
 * const failure: ConformanceFailure = {
 *   status: 429,
 *   error: 'rate_limit',
 *   message: 'Rate limit reached; retry later.',
 *   headers: { 'retry-after': '7' },
 * };
 * ```
 */
export interface ConformanceFailure {
  /** The HTTP status. */
  status: number;
  /** The vendor error it stands for. */
  error: EmulatorErrorType;
  /** The error's message. */
  message: string;
  /** Headers the vendor sends with it, such as `retry-after` (may be empty). */
  headers: Record<string, string>;
}

/**
 * What {@link ConformanceServe} is asked to encode: a reply with its streamed pieces worked out
 * (`reply.textChunks`, `reply.reasoningChunks`, each tool call's `argumentChunks`, `reply.usage`
 * all filled in), or a failure.
 *
 * @example
 * ```ts
 * function describe(scenario: ConformanceScenario): string {
 *   return scenario.kind === 'error'
 *     ? `HTTP ${scenario.failure.status}`
 *     : `${scenario.reply.textChunks.length} text pieces, ${scenario.reply.toolCalls.length} tool calls`;
 * }
 * ```
 */
export type ConformanceScenario =
  | {
      /** Discriminant. */
      kind: 'reply';
      /** What the model says, in the pieces to stream it in. */
      reply: NormalizedReply;
      /** How the kit cuts a streamed answer short, when it does; the kit applies it. */
      fault: ConformanceStreamFault | undefined;
    }
  | {
      /** Discriminant. */
      kind: 'error';
      /** The failure to answer with. */
      failure: ConformanceFailure;
    };

/**
 * A request the provider under test sent to the kit's server.
 *
 * @example
 * ```ts
 * function wantsStream(request: ConformanceRequest): boolean {
 *   return request.path.endsWith('/stream');
 * }
 * ```
 */
export interface ConformanceRequest {
  /** The HTTP method. */
  method: string;
  /** The path, without the query (the base URL's own path included). */
  path: string;
  /** The query parameters. */
  query: Record<string, string>;
  /** The request headers, lower-cased. */
  headers: Record<string, string>;
  /** The body parsed as JSON, or its text when it is not JSON (`undefined` when empty). */
  body: unknown;
  /** The body's text. */
  text: string;
}

/**
 * What `readRequest` (an option of `describeProviderConformance`) reads from a request in your protocol,
 * for the checks that look at what the provider sent.
 *
 * @example
 * ```ts
 * const info: ConformanceRequestInfo = {
 *   model: 'acme-large',
 *   toolCallIds: ['call_1'],
 *   toolResultIds: ['call_1'],
 * };
 * ```
 */
export interface ConformanceRequestInfo {
  /** The model the request names. */
  model: string | undefined;
  /** The ids of the assistant's tool calls the request sends back, in order. */
  toolCallIds: string[];
  /** The call ids the request's tool results answer, in order. */
  toolResultIds: string[];
}

/**
 * A complete (not streamed) answer: the status (default 200 for a reply, the failure's status for
 * a failure), headers, and the body; an object is sent as JSON.
 *
 * @example
 * ```ts
 * const answer: ConformanceBodyAnswer = { body: { text: 'Hello', stop: 'end' } };
 * ```
 */
export interface ConformanceBodyAnswer {
  /** The HTTP status; default 200 for a reply, the failure's status for a failure. */
  status?: number;
  /**
   * Response headers; one whose value is `undefined` is not sent. `content-type` defaults to
   * `application/json` for an object body.
   */
  headers?: Record<string, string | undefined>;
  /** The body: an object is sent as JSON, a string as is. */
  body: string | Record<string, unknown> | unknown[];
}

/**
 * A streamed answer: the events in order, each exactly as it goes on the wire (its framing
 * included, such as a trailing newline), and the one event a fault of the scenario needs.
 *
 * @example
 * ```ts
 * const answer: ConformanceStreamAnswer = {
 *   headers: { 'content-type': 'application/x-ndjson' },
 *   events: ['{"type":"delta","text":"Hel"}\n', '{"type":"delta","text":"lo"}\n', '{"type":"end"}\n'],
 * };
 * ```
 */
export interface ConformanceStreamAnswer {
  /** The HTTP status; default 200. */
  status?: number;
  /** Response headers, such as your stream's `content-type`; one whose value is `undefined` is not sent. */
  headers?: Record<string, string | undefined>;
  /**
   * The events, in order, each written as one chunk; the kit paces them (`chunkDelayMs`) and cuts
   * them short as the scenario's `fault` says.
   */
  events: string[];
  /**
   * The event a `malformed` fault sends (one your parser must reject), or the in-stream error event
   * an `error` fault sends. Needed when the scenario's fault is one of these two.
   */
  faultEvent?: string;
}

/**
 * What {@link ConformanceServe} returns: a whole body ({@link ConformanceBodyAnswer}) for a call
 * that does not stream or an error status, or the events of a stream
 * ({@link ConformanceStreamAnswer}).
 *
 * @example
 * ```ts
 * import type { ConformanceAnswer, ConformanceScenario } from '@agentry/testing';
 *
 * function answer(scenario: ConformanceScenario): ConformanceAnswer {
 *   if (scenario.kind === 'error') {
 *     const { status, headers, message } = scenario.failure;
 *     return { status, headers, body: { error: message } };
 *   }
 *   return { events: [...scenario.reply.textChunks.map((text) => `${JSON.stringify({ text })}\n`)] };
 * }
 * ```
 */
export type ConformanceAnswer = ConformanceBodyAnswer | ConformanceStreamAnswer;

/**
 * Your vendor's encoder: answers one scenario, for one request, in your own protocol. The kit
 * owns the HTTP server, the script, the timing (delays, pacing), resets, stalls and the
 * assertions; you only say what the bytes are.
 *
 * @example
 * ```ts
 * const serve: ConformanceServe = (scenario, request) => {
 *   if (scenario.kind === 'error') {
 *     const { status, headers, error, message } = scenario.failure;
 *     return { status, headers, body: { error: { kind: error, message } } };
 *   }
 *   const { reply } = scenario;
 *   if (request.path.endsWith('/complete')) return { body: { text: reply.text } };
 *   return {
 *     events: [...reply.textChunks.map((text) => `${JSON.stringify({ type: 'delta', text })}\n`), '{"type":"end"}\n'],
 *   };
 * };
 * ```
 */
export type ConformanceServe = (
  scenario: ConformanceScenario,
  request: ConformanceRequest,
) => ConformanceAnswer | Promise<ConformanceAnswer>;
