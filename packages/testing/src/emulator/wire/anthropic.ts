import { createHash } from 'node:crypto';
import type {
  EmulatorErrorType,
  EmulatorFailure,
  EmulatorRequest,
  NormalizedReply,
  SseEvent,
  WireFormat,
} from '../emulator-types.js';

/** The model named in replies when the request names none. */
const DEFAULT_MODEL = 'claude-sonnet-5-5';

/** The message the Messages API gives when the prompt does not fit the model's context window. */
const PROMPT_TOO_LONG = 'prompt is too long: 210000 tokens > 200000 maximum';

/** The message the Messages API gives when its output filter blocks a response. */
const OUTPUT_BLOCKED = 'Output blocked by content filtering policy';

const stopReasons = {
  stop: 'end_turn',
  length: 'max_tokens',
  'tool-calls': 'tool_use',
  'content-filter': 'refusal',
} as const satisfies Record<NormalizedReply['finishReason'], string>;

const errorTypes = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'not_found_error',
  rate_limit: 'rate_limit_error',
  context_length: 'invalid_request_error',
  content_filter: 'invalid_request_error',
  server: 'api_error',
  overloaded: 'overloaded_error',
} as const satisfies Record<EmulatorErrorType, string>;

type Failure = EmulatorFailure & { error: EmulatorErrorType; message: string };

/**
 * Anthropic's Messages API (`POST /v1/messages`), rendered like the responses recorded from the
 * live API (`__fixtures__/anthropic`): the same fields, the same event sequence, every event named
 * after its type (the SDK skips unnamed events), a `ping` after the first block opens.
 *
 * Usage: the emulator's `inputTokens` counts every prompt token, cached ones included, as the
 * model contract does; the Messages API reports the uncached part as `input_tokens` and the cached
 * part as `cache_read_input_tokens` and the part written to the cache as
 * `cache_creation_input_tokens`, so `input_tokens` here is `inputTokens - cachedInputTokens -
 * cacheWriteInputTokens`.
 *
 * A tool call's arguments that are not valid JSON cannot appear in a complete (non-streamed)
 * message, whose `input` is always an object on the real API; the emulator then sends the raw text
 * as `input`, so that a test can still see what a provider does with it. Streams send the text as
 * given, in `input_json_delta` pieces.
 *
 * @internal
 */
export const anthropicWire: WireFormat = {
  api: 'anthropic',
  prefix: '/anthropic',

  match(method, path, _query, body) {
    if (method !== 'POST' || path !== '/v1/messages') return undefined;
    const fields = isRecord(body) ? body : {};
    return {
      stream: fields['stream'] === true,
      model: typeof fields['model'] === 'string' ? fields['model'] : undefined,
    };
  },

  replyBody(reply, request) {
    const content: Record<string, unknown>[] = [];
    if (reply.reasoning !== '') {
      content.push({ type: 'thinking', thinking: reply.reasoning, signature: signatureOf(reply) });
    }
    if (reply.text !== '') content.push({ type: 'text', text: reply.text });
    for (const call of reply.toolCalls) {
      content.push({
        type: 'tool_use',
        id: call.id,
        name: call.name,
        input: inputOf(call.arguments),
      });
    }
    return {
      model: modelOf(request),
      id: messageId(reply),
      type: 'message',
      role: 'assistant',
      content,
      stop_reason: stopReasons[reply.finishReason],
      ...stopDetails(reply, request),
      stop_sequence: null,
      usage: {
        ...inputUsage(reply),
        cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
        output_tokens: reply.usage.outputTokens,
        ...thinkingUsage(reply),
        service_tier: 'standard',
        inference_geo: 'not_available',
      },
    };
  },

  replyEvents(reply, request) {
    const events: SseEvent[] = [
      event({
        type: 'message_start',
        message: {
          model: modelOf(request),
          id: messageId(reply),
          type: 'message',
          role: 'assistant',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            ...inputUsage(reply),
            cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
            output_tokens: 1,
            service_tier: 'standard',
            inference_geo: 'not_available',
          },
        },
      }),
    ];
    let index = 0;
    const block = (start: Record<string, unknown>, deltas: Record<string, unknown>[]): void => {
      events.push(event({ type: 'content_block_start', index, content_block: start }));
      // The live API sends its first keep-alive right after the first block opens.
      if (index === 0) events.push(event({ type: 'ping' }));
      for (const delta of deltas) events.push(event({ type: 'content_block_delta', index, delta }));
      events.push(event({ type: 'content_block_stop', index }));
      index += 1;
    };
    if (reply.reasoning !== '') {
      block({ type: 'thinking', thinking: '', signature: '' }, [
        ...nonEmpty(reply.reasoningChunks).map((thinking) => ({
          type: 'thinking_delta',
          thinking,
        })),
        { type: 'signature_delta', signature: signatureOf(reply) },
      ]);
    }
    if (reply.text !== '') {
      block(
        { type: 'text', text: '' },
        nonEmpty(reply.textChunks).map((text) => ({ type: 'text_delta', text })),
      );
    }
    for (const call of reply.toolCalls) {
      // A tool_use block opens with an empty input and an empty first piece, as recorded.
      block({ type: 'tool_use', id: call.id, name: call.name, input: {} }, [
        { type: 'input_json_delta', partial_json: '' },
        ...nonEmpty(call.argumentChunks).map((partial_json) => ({
          type: 'input_json_delta',
          partial_json,
        })),
      ]);
    }
    if (index === 0) events.push(event({ type: 'ping' }));
    events.push(
      event({
        type: 'message_delta',
        delta: {
          stop_reason: stopReasons[reply.finishReason],
          stop_sequence: null,
          ...stopDetails(reply, request),
        },
        usage: {
          ...inputUsage(reply),
          output_tokens: reply.usage.outputTokens,
          ...thinkingUsage(reply),
        },
      }),
      event({ type: 'message_stop' }),
    );
    return events;
  },

  errorBody(failure) {
    return {
      type: 'error',
      error: { type: errorTypeOf(failure), message: errorMessageOf(failure) },
      request_id: `req_emulator${String(failure.status)}`,
    };
  },

  streamErrorEvent(failure) {
    return event({
      type: 'error',
      error: { type: errorTypeOf(failure), message: errorMessageOf(failure) },
    });
  },
};

function event(data: Record<string, unknown> & { type: string }): SseEvent {
  return { event: data.type, data: JSON.stringify(data) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function modelOf(request: EmulatorRequest): string {
  return request.model ?? DEFAULT_MODEL;
}

function messageId(reply: NormalizedReply): string {
  return reply.id.startsWith('msg_') ? reply.id : `msg_${reply.id.replace(/[^A-Za-z0-9]/g, '')}`;
}

/**
 * A stand-in for the opaque signature the API puts on thinking blocks: a digest of the reasoning,
 * so the same reasoning is signed the same way whether it is streamed or not.
 */
function signatureOf(reply: NormalizedReply): string {
  return createHash('sha256').update(`emulator-thinking:${reply.reasoning}`).digest('base64');
}

function inputOf(argumentsText: string): unknown {
  if (argumentsText.trim() === '') return {};
  try {
    return JSON.parse(argumentsText) as unknown;
  } catch {
    return argumentsText;
  }
}

function inputUsage(reply: NormalizedReply): Record<string, number> {
  const cached = Math.min(reply.usage.cachedInputTokens, reply.usage.inputTokens);
  const written = Math.min(reply.usage.cacheWriteInputTokens, reply.usage.inputTokens - cached);
  return {
    input_tokens: reply.usage.inputTokens - cached - written,
    cache_creation_input_tokens: written,
    cache_read_input_tokens: cached,
  };
}

function thinkingUsage(reply: NormalizedReply): Record<string, unknown> {
  return reply.usage.reasoningTokens > 0
    ? { output_tokens_details: { thinking_tokens: reply.usage.reasoningTokens } }
    : {};
}

function stopDetails(reply: NormalizedReply, request: EmulatorRequest): Record<string, unknown> {
  if (reply.finishReason !== 'content-filter') return {};
  return {
    stop_details: {
      type: 'refusal',
      category: null,
      explanation: reply.refusal ?? null,
      recommended_model: modelOf(request),
    },
  };
}

/** Streams never carry empty pieces, except the recorded empty first `input_json_delta`. */
function nonEmpty(chunks: readonly string[]): string[] {
  return chunks.filter((chunk) => chunk !== '');
}

function errorTypeOf(failure: Failure): string {
  // The API answers an oversized request body with 413 request_too_large, whatever caused it.
  if (failure.status === 413) return 'request_too_large';
  if (failure.status === 529) return 'overloaded_error';
  return errorTypes[failure.error];
}

function errorMessageOf(failure: Failure): string {
  switch (failure.error) {
    case 'context_length':
      // Clients recognise this error only by its message, so it always says what the API says.
      return /prompt is too long/i.test(failure.message) ? failure.message : PROMPT_TOO_LONG;
    case 'content_filter':
      return failure.message.includes(OUTPUT_BLOCKED) ? failure.message : OUTPUT_BLOCKED;
    case 'invalid_request':
    case 'authentication':
    case 'permission':
    case 'not_found':
    case 'rate_limit':
    case 'server':
    case 'overloaded':
      return failure.message;
  }
}
