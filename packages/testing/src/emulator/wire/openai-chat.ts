import type {
  EmulatorErrorType,
  EmulatorFailure,
  EmulatorRequest,
  NormalizedReply,
  SseEvent,
  WireFormat,
} from '../emulator-types.js';

/** A failure with its error type and message worked out, as the server hands it to a format. */
type ResolvedFailure = EmulatorFailure & { error: EmulatorErrorType; message: string };

/** The `type`, `param` and `code` OpenAI puts in an error body, by emulator error type. */
const openaiErrorFields: Readonly<
  Record<EmulatorErrorType, { type: string; param: string | null; code: string | null }>
> = {
  invalid_request: { type: 'invalid_request_error', param: null, code: null },
  authentication: { type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
  permission: { type: 'invalid_request_error', param: null, code: null },
  not_found: { type: 'invalid_request_error', param: null, code: 'model_not_found' },
  rate_limit: { type: 'requests', param: null, code: 'rate_limit_exceeded' },
  context_length: {
    type: 'invalid_request_error',
    param: 'messages',
    code: 'context_length_exceeded',
  },
  content_filter: { type: 'invalid_request_error', param: 'prompt', code: 'content_filter' },
  server: { type: 'server_error', param: null, code: null },
  overloaded: { type: 'server_error', param: null, code: null },
};

/**
 * The `error` object of an OpenAI error body (`{ message, type, param, code }`), shared by Chat
 * Completions and the Responses API. `param` names the request field at fault (`messages` or
 * `input` for a context that is too long).
 *
 * @internal
 */
export function openaiErrorObject(
  failure: ResolvedFailure,
  inputParam: 'messages' | 'input',
): { message: string; type: string; param: string | null; code: string | null } {
  const fields = openaiErrorFields[failure.error];
  const param = failure.error === 'context_length' ? inputParam : fields.param;
  return { message: failure.message, type: fields.type, param, code: fields.code };
}

/**
 * Returns `id` with the vendor's prefix (`chatcmpl-`, `resp_`), unless it has it already.
 *
 * @internal
 */
export function withPrefix(id: string, prefix: string): string {
  return id.startsWith(prefix) ? id : `${prefix}${id}`;
}

/**
 * Splits text into word-sized pieces that join back to it (each piece keeps its leading space).
 *
 * @internal
 */
export function splitWords(text: string): string[] {
  return text === '' ? [] : (text.match(/\s*\S+|\s+$/g) ?? [text]);
}

const finishReasons = {
  stop: 'stop',
  length: 'length',
  'tool-calls': 'tool_calls',
  'content-filter': 'content_filter',
} as const satisfies Record<NormalizedReply['finishReason'], string>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether the message has `content` (text, or an empty answer) rather than `null` (only calls or a refusal). */
function hasContent(reply: NormalizedReply): boolean {
  return reply.text !== '' || (reply.toolCalls.length === 0 && reply.refusal === undefined);
}

function chatUsage(reply: NormalizedReply) {
  const { inputTokens, outputTokens, cachedInputTokens, reasoningTokens } = reply.usage;
  return {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
    prompt_tokens_details: { cached_tokens: cachedInputTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function includeUsage(request: EmulatorRequest): boolean {
  const body = request.body;
  return (
    isRecord(body) && isRecord(body.stream_options) && body.stream_options.include_usage === true
  );
}

/**
 * OpenAI Chat Completions (`POST /v1/chat/completions`), as the API answers: a `chat.completion`
 * body, or `chat.completion.chunk` events ending with `data: [DONE]`. Tool calls stream with their
 * `index`, id and name first and then their arguments in pieces; a refusal streams in `refusal`
 * deltas; the usage chunk (empty `choices`) comes only when `stream_options.include_usage` is set,
 * as it does from OpenAI. Chat Completions does not return reasoning text, so the reply's
 * reasoning only shows in `completion_tokens_details.reasoning_tokens`.
 *
 * @internal
 */
export const openaiChatWire: WireFormat = {
  api: 'openai-chat',
  prefix: '/openai',

  match(method, path, _query, body) {
    if (method !== 'POST' || path !== '/v1/chat/completions') return undefined;
    const record = isRecord(body) ? body : {};
    return {
      stream: record.stream === true,
      model: typeof record.model === 'string' ? record.model : undefined,
    };
  },

  replyBody(reply, request) {
    const toolCalls = reply.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
    return {
      id: withPrefix(reply.id, 'chatcmpl-'),
      object: 'chat.completion',
      created: reply.created,
      model: request.model ?? 'gpt-4o',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: hasContent(reply) ? reply.text : null,
            refusal: reply.refusal ?? null,
            annotations: [],
            ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          },
          logprobs: null,
          finish_reason: finishReasons[reply.finishReason],
        },
      ],
      usage: chatUsage(reply),
      service_tier: 'default',
      system_fingerprint: 'fp_emulator',
    };
  },

  replyEvents(reply, request) {
    const withUsage = includeUsage(request);
    const base = {
      id: withPrefix(reply.id, 'chatcmpl-'),
      object: 'chat.completion.chunk',
      created: reply.created,
      model: request.model ?? 'gpt-4o',
      service_tier: 'default',
      system_fingerprint: 'fp_emulator',
    };
    const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
      data: JSON.stringify({
        ...base,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
        ...(withUsage ? { usage: null } : {}),
      }),
    });
    const events: SseEvent[] = [
      chunk({ role: 'assistant', content: hasContent(reply) ? '' : null, refusal: null }),
    ];
    for (const piece of reply.textChunks) events.push(chunk({ content: piece }));
    if (reply.refusal !== undefined) {
      for (const piece of splitWords(reply.refusal)) events.push(chunk({ refusal: piece }));
    }
    reply.toolCalls.forEach((call, index) => {
      events.push(
        chunk({
          tool_calls: [
            { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } },
          ],
        }),
      );
      for (const piece of call.argumentChunks) {
        events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
      }
    });
    events.push(chunk({}, finishReasons[reply.finishReason]));
    if (withUsage) {
      events.push({ data: JSON.stringify({ ...base, choices: [], usage: chatUsage(reply) }) });
    }
    events.push({ data: '[DONE]' });
    return events;
  },

  errorBody(failure) {
    return { error: openaiErrorObject(failure, 'messages') };
  },

  streamErrorEvent(failure) {
    return { data: JSON.stringify({ error: openaiErrorObject(failure, 'messages') }) };
  },
};
