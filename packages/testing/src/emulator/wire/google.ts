import { createHash } from 'node:crypto';
import type {
  EmulatorErrorType,
  EmulatorFailure,
  EmulatorRequest,
  NormalizedReply,
  SseEvent,
  WireFormat,
} from '../emulator-types.js';

/** The model named in replies when the path names none (it always does on the real API). */
const DEFAULT_MODEL = 'gemini-3.5-flash';

/** The Gemini API's message when a prompt does not fit the model's context window. */
const TOKEN_LIMIT = 'The input token count exceeds the maximum number of tokens allowed (1048576).';

/** How long the emulator's 429 asks clients to wait, as the API's `RetryInfo` says it. */
const DEFAULT_RETRY_DELAY = '12s';

/** `generateContent` and `streamGenerateContent` on a model, for each API version the SDK speaks. */
const methodPath =
  /^\/(?:v1|v1beta|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

const finishReasons = {
  stop: 'STOP',
  length: 'MAX_TOKENS',
  // Gemini ends a turn that calls functions with STOP; the calls themselves say what happened.
  'tool-calls': 'STOP',
  'content-filter': 'SAFETY',
} as const satisfies Record<NormalizedReply['finishReason'], string>;

type Failure = EmulatorFailure & { error: EmulatorErrorType; message: string };

/**
 * Google's Gemini API (`POST /v1beta/models/{model}:generateContent`, and
 * `:streamGenerateContent?alt=sse` for a stream of `GenerateContentResponse` chunks, one per
 * `data:` event), as recorded from the live API and as `@google/genai` calls it with an
 * `httpOptions.baseUrl`.
 *
 * - Content is `candidates[0].content.parts`: reasoning as a `{ text, thought: true }` part, the
 *   text as `{ text }` parts, each tool call as a whole `{ functionCall: { id, name, args } }`
 *   part. The API has returned call ids since 2026 (the older recordings here have none).
 *   The Gemini API never splits a call's arguments (Vertex AI's `streamFunctionCallArguments`,
 *   with `partialArgs`, is refused by the SDK in Gemini API mode), so `argumentChunks` does not
 *   apply, unless the reply asks for `partialArguments`: then each call streams as Vertex AI
 *   streams it (see `partialCallOf`), as a proxy in front of Vertex AI may pass it on. `args` is an object on the wire; arguments that are not a JSON object are sent as the
 *   raw text in `args`, so that a test can still see what a provider does with them.
 * - A reply with reasoning or reasoning tokens is signed as Gemini 3 models sign theirs: an opaque
 *   `thoughtSignature` on the first function call, else on the last text part (in a stream, on an
 *   empty text part of the last chunk, as recorded).
 * - Usage: `promptTokenCount` counts every prompt token, cached ones included
 *   (`cachedContentTokenCount`); the emulator's `outputTokens` include reasoning, which Gemini
 *   reports apart, so `candidatesTokenCount` is `outputTokens - reasoningTokens` and
 *   `thoughtsTokenCount` the reasoning.
 * - A refusal, or `finishReason: 'content-filter'`, is a candidate with `finishReason: SAFETY`, a
 *   blocked safety rating and the refusal as its `finishMessage` (which `@google/genai` drops on
 *   the Gemini API), after whatever was said before. A prompt blocked before any answer (no
 *   candidates, `promptFeedback.blockReason`) has no scripted form: script it as a raw body.
 * - Errors are `{ error: { code, message, status, details } }` with the canonical status of the
 *   HTTP code; a 429 carries a `QuotaFailure` and a `RetryInfo` whose `retryDelay` is the
 *   `retry-after` header's seconds, or 12 s. An authentication failure with status 400 is the API's
 *   answer to a bad key (`API_KEY_INVALID`). The API reports a safety block in a 200 body, never as
 *   an HTTP error, so a scripted `content_filter` failure stands in with an `ErrorInfo` whose
 *   reason is `SAFETY`. Mid-stream errors are a `data:` event holding the same error object.
 * - A stream asked for without `alt=sse` (a JSON array stream, which the SDK never asks for) is
 *   not served.
 *
 * @internal
 */
export const googleWire: WireFormat = {
  api: 'google',
  prefix: '/google',

  match(method, path, query) {
    if (method !== 'POST') return undefined;
    const found = methodPath.exec(path);
    if (found === null) return undefined;
    const stream = found[2] === 'streamGenerateContent';
    if (stream && query.get('alt') !== 'sse') return undefined;
    return { stream, model: decodeURIComponent(found[1] ?? '') };
  },

  replyBody(reply, request) {
    const parts: Record<string, unknown>[] = [];
    if (reply.reasoning !== '') parts.push({ text: reply.reasoning, thought: true });
    if (reply.text !== '') parts.push({ text: reply.text });
    for (const call of reply.toolCalls) parts.push({ functionCall: functionCallOf(call) });
    if (isSigned(reply)) {
      const signed =
        parts.find((part) => 'functionCall' in part) ??
        parts.findLast((part) => part['thought'] !== true) ??
        parts[0];
      if (signed !== undefined) signed['thoughtSignature'] = signatureOf(reply);
    }
    const candidate: Record<string, unknown> = {
      ...contentOf(reply, parts),
      finishReason: finishReasons[reply.finishReason],
      index: 0,
      ...safetyOf(reply),
    };
    if (reply.toolCalls.length > 0 && reply.finishReason === 'tool-calls') {
      candidate['finishMessage'] = 'Model generated function call(s).';
    }
    return {
      candidates: [candidate],
      usageMetadata: usageOf(reply, 1, 1),
      modelVersion: modelOf(request),
      responseId: reply.id,
    };
  },

  replyEvents(reply, request) {
    const thoughts = nonEmpty(reply.reasoningChunks).map((text) => ({ text, thought: true }));
    const answer: Record<string, unknown>[] = nonEmpty(reply.textChunks).map((text) => ({ text }));
    const signed = isSigned(reply);
    reply.toolCalls.forEach((call, index) => {
      const pieces = reply.partialArguments
        ? partialCallOf(call)
        : [{ functionCall: functionCallOf(call) }];
      if (signed && index === 0 && pieces[0] !== undefined) {
        pieces[0]['thoughtSignature'] = signatureOf(reply);
      }
      answer.push(...pieces);
    });

    const chunk = (candidate: Record<string, unknown>, usage: Record<string, unknown>): SseEvent =>
      dataEvent({
        candidates: [{ ...candidate, index: 0 }],
        usageMetadata: usage,
        modelVersion: modelOf(request),
        responseId: reply.id,
      });
    const content = (part: Record<string, unknown>) => ({
      content: { parts: [part], role: 'model' },
    });
    // The thoughts come first; their count is whole once they are (or at once when they are hidden).
    const events = [
      ...thoughts.map((part, index) =>
        chunk(content(part), usageOf(reply, (index + 1) / thoughts.length, 0)),
      ),
      ...answer.map((part, index) =>
        chunk(content(part), usageOf(reply, 1, (index + 1) / (answer.length + 1))),
      ),
    ];

    // The last chunk says why the model stopped; as recorded, it holds an empty text part, which
    // carries the signature when no function call did.
    const last: Record<string, unknown> = {};
    if (reply.finishReason !== 'content-filter') {
      const closing: Record<string, unknown> = { text: '' };
      if (signed && reply.toolCalls.length === 0) closing['thoughtSignature'] = signatureOf(reply);
      last['content'] = { parts: [closing], role: 'model' };
    }
    last['finishReason'] = finishReasons[reply.finishReason];
    Object.assign(last, safetyOf(reply));
    events.push(chunk(last, usageOf(reply, 1, 1)));
    return events;
  },

  errorBody(failure) {
    return { error: errorOf(failure) };
  },

  streamErrorEvent(failure) {
    return dataEvent({ error: errorOf(failure) });
  },
};

function dataEvent(data: Record<string, unknown>): SseEvent {
  return { data: JSON.stringify(data) };
}

function modelOf(request: EmulatorRequest): string {
  return request.model ?? DEFAULT_MODEL;
}

function isSigned(reply: NormalizedReply): boolean {
  return reply.reasoning !== '' || reply.usage.reasoningTokens > 0;
}

/**
 * A stand-in for the opaque signature Gemini puts on the part after its thoughts, derived from
 * what the reply says, so that the same scripted reply is signed alike streamed and not.
 */
function signatureOf(reply: NormalizedReply): string {
  const said = JSON.stringify([
    reply.reasoning,
    reply.text,
    reply.toolCalls.map((call) => call.id),
  ]);
  const digest = createHash('sha256').update(said).digest('base64url').slice(0, 24);
  return Buffer.from(`emulator-thought-signature:${digest}`).toString('base64');
}

function functionCallOf(call: NormalizedReply['toolCalls'][number]): Record<string, unknown> {
  return { id: call.id, name: call.name, args: argsOf(call.arguments) };
}

/**
 * A call as Vertex AI streams it with `streamFunctionCallArguments`: its id and name, then each
 * leaf of the arguments by JSON path (strings in as many pieces as the call's `argumentChunks`,
 * chained with `willContinue`), then a closing part. Every part but the last says `willContinue`.
 */
function partialCallOf(call: NormalizedReply['toolCalls'][number]): Record<string, unknown>[] {
  const args = argsOf(call.arguments);
  if (typeof args !== 'object' || args === null) {
    throw new TypeError(`partialArguments needs JSON object arguments; got ${call.arguments}`);
  }
  const parts: Record<string, unknown>[] = [
    { functionCall: { id: call.id, name: call.name, willContinue: true } },
  ];
  const pieces = Math.max(1, call.argumentChunks.length);
  const visit = (value: unknown, jsonPath: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${jsonPath}[${String(index)}]`));
      return;
    }
    if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) visit(item, `${jsonPath}.${key}`);
      return;
    }
    const values: Record<string, unknown>[] =
      typeof value === 'string'
        ? splitString(value, pieces).map((stringValue) => ({ stringValue }))
        : typeof value === 'number'
          ? [{ numberValue: value }]
          : typeof value === 'boolean'
            ? [{ boolValue: value }]
            : [{ nullValue: 'NULL_VALUE' }];
    values.forEach((piece, index) => {
      const partialArg = {
        jsonPath,
        ...piece,
        ...(index < values.length - 1 ? { willContinue: true } : {}),
      };
      parts.push({ functionCall: { partialArgs: [partialArg], willContinue: true } });
    });
  };
  visit(args, '$');
  parts.push({ functionCall: {} });
  return parts;
}

/** A string in `count` pieces as even as possible, by code point. */
function splitString(value: string, count: number): string[] {
  const characters = Array.from(value);
  const size = Math.max(1, Math.ceil(characters.length / count));
  const pieces: string[] = [];
  for (let start = 0; start < characters.length; start += size) {
    pieces.push(characters.slice(start, start + size).join(''));
  }
  return pieces.length === 0 ? [''] : pieces;
}

function argsOf(argumentsText: string): unknown {
  if (argumentsText.trim() === '') return {};
  try {
    const parsed = JSON.parse(argumentsText) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? parsed
      : argumentsText;
  } catch {
    return argumentsText;
  }
}

function contentOf(
  reply: NormalizedReply,
  parts: Record<string, unknown>[],
): Record<string, unknown> {
  // A candidate stopped for safety before saying anything has no content at all.
  if (parts.length === 0 && reply.finishReason === 'content-filter') return {};
  return { content: parts.length > 0 ? { parts, role: 'model' } : { role: 'model' } };
}

function safetyOf(reply: NormalizedReply): Record<string, unknown> {
  if (reply.finishReason !== 'content-filter') return {};
  return {
    ...(reply.refusal !== undefined ? { finishMessage: reply.refusal } : {}),
    safetyRatings: [
      { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true },
    ],
  };
}

/**
 * The usage metadata once `thoughts` and `answer` (each 0 to 1) of the reasoning and of the rest
 * have been sent: the prompt counts from the start, the output counts growing to their totals in
 * the last chunk. Counts of zero are left out, as the API leaves them out.
 */
function usageOf(
  reply: NormalizedReply,
  thoughts: number,
  answer: number,
): Record<string, unknown> {
  const { inputTokens, outputTokens, cachedInputTokens, reasoningTokens } = reply.usage;
  const thought = Math.round(reasoningTokens * thoughts);
  const answered = Math.round(Math.max(0, outputTokens - reasoningTokens) * answer);
  const cached = Math.min(cachedInputTokens, inputTokens);
  return {
    promptTokenCount: inputTokens,
    ...(answered > 0 ? { candidatesTokenCount: answered } : {}),
    totalTokenCount: inputTokens + answered + thought,
    ...(cached > 0 ? { cachedContentTokenCount: cached } : {}),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: inputTokens }],
    ...(cached > 0 ? { cacheTokensDetails: [{ modality: 'TEXT', tokenCount: cached }] } : {}),
    ...(thought > 0 ? { thoughtsTokenCount: thought } : {}),
  };
}

/** Streams never carry empty pieces. */
function nonEmpty(chunks: readonly string[]): string[] {
  return chunks.filter((chunk) => chunk !== '');
}

/** The canonical status of an HTTP code, as Google APIs pair them. */
function canonicalStatus(status: number): string {
  switch (status) {
    case 400:
    case 413:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 408:
    case 504:
      return 'DEADLINE_EXCEEDED';
    case 409:
      return 'ABORTED';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 499:
      return 'CANCELLED';
    case 501:
      return 'UNIMPLEMENTED';
    case 502:
    case 503:
    case 529:
      return 'UNAVAILABLE';
    default:
      return status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION';
  }
}

function errorOf(failure: Failure): Record<string, unknown> {
  const base = {
    code: failure.status,
    message: failure.message,
    status: canonicalStatus(failure.status),
  };
  switch (failure.error) {
    case 'rate_limit':
      return {
        ...base,
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
            violations: [
              {
                quotaMetric:
                  'generativelanguage.googleapis.com/generate_content_paid_tier_input_token_count',
                quotaId: 'GenerateContentPaidTierInputTokensPerModelPerMinute',
              },
            ],
          },
          {
            '@type': 'type.googleapis.com/google.rpc.Help',
            links: [
              {
                description: 'Learn more about Gemini API quotas',
                url: 'https://ai.google.dev/gemini-api/docs/rate-limits',
              },
            ],
          },
          {
            '@type': 'type.googleapis.com/google.rpc.RetryInfo',
            retryDelay: retryDelayOf(failure),
          },
        ],
      };
    case 'authentication':
      return failure.status === 400
        ? { ...base, details: [errorInfo('API_KEY_INVALID', 'googleapis.com')] }
        : { ...base, details: [errorInfo('ACCESS_TOKEN_TYPE_UNSUPPORTED', 'googleapis.com')] };
    case 'permission':
      return { ...base, details: [errorInfo('PERMISSION_DENIED', 'googleapis.com')] };
    case 'context_length':
      // Clients recognise this error only by its message, so it always says what the API says.
      return {
        ...base,
        message: /token/i.test(failure.message) ? failure.message : TOKEN_LIMIT,
      };
    case 'content_filter':
      return { ...base, details: [errorInfo('SAFETY', 'generativelanguage.googleapis.com')] };
    case 'invalid_request':
    case 'not_found':
    case 'server':
    case 'overloaded':
      return base;
  }
}

function errorInfo(reason: string, domain: string): Record<string, unknown> {
  return {
    '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
    reason,
    domain,
    metadata: { service: 'generativelanguage.googleapis.com' },
  };
}

function retryDelayOf(failure: Failure): string {
  const header = Object.entries(failure.headers ?? {}).find(
    ([name]) => name.toLowerCase() === 'retry-after',
  )?.[1];
  const seconds = header === undefined ? Number.NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? `${String(seconds)}s` : DEFAULT_RETRY_DELAY;
}
