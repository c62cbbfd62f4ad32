import type { EmulatorRequest, NormalizedReply, SseEvent, WireFormat } from '../emulator-types.js';
import { openaiErrorObject, splitWords, withPrefix } from './openai-chat.js';

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The request fields the Responses API echoes back in its response object. */
function echoedFields(request: EmulatorRequest): Json {
  const body = isRecord(request.body) ? request.body : {};
  const reasoning = isRecord(body.reasoning) ? body.reasoning : {};
  const text = isRecord(body.text) ? body.text : {};
  return {
    background: false,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    max_tool_calls: null,
    model: request.model ?? 'gpt-5',
    output: [],
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    prompt_cache_key: null,
    prompt_cache_retention: null,
    reasoning: { effort: reasoning.effort ?? null, summary: reasoning.summary ?? null },
    safety_identifier: null,
    service_tier: 'auto',
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: text.format ?? { type: 'text' }, verbosity: 'medium' },
    tool_choice: body.tool_choice ?? 'auto',
    tools: Array.isArray(body.tools) ? body.tools : [],
    top_logprobs: 0,
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage: null,
    user: null,
    metadata: isRecord(body.metadata) ? body.metadata : {},
  };
}

/** Whether the request asked for reasoning items with `encrypted_content`. */
function wantsEncryptedReasoning(request: EmulatorRequest): boolean {
  const body = request.body;
  return isRecord(body) && Array.isArray(body.include)
    ? body.include.includes('reasoning.encrypted_content')
    : false;
}

function responsesUsage(reply: NormalizedReply): Json {
  const { inputTokens, outputTokens, cachedInputTokens, reasoningTokens } = reply.usage;
  return {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: cachedInputTokens },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: reasoningTokens },
    total_tokens: inputTokens + outputTokens,
  };
}

/**
 * How the response ended: `completed`, or `incomplete` with the reason (the output token limit, or
 * the content filter when the reply stops there without a refusal).
 */
function status(reply: NormalizedReply): { status: string; incomplete_details: Json | null } {
  if (reply.finishReason === 'length') {
    return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  }
  if (reply.finishReason === 'content-filter' && reply.refusal === undefined) {
    return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  }
  return { status: 'completed', incomplete_details: null };
}

/** One output item of the response, with how it streams. */
interface OutputPlan {
  /** The item as it is when complete. */
  done: Json;
  /** The events between `response.output_item.added` and `response.output_item.done`. */
  events(outputIndex: number): Json[];
  /** The item as `response.output_item.added` shows it. */
  added: Json;
}

function reasoningItem(reply: NormalizedReply, encrypted: boolean): OutputPlan {
  const id = `rs_${reply.id}`;
  // Stands in for OpenAI's opaque reasoning state, which clients send back unchanged.
  const encryptedContent = encrypted
    ? { encrypted_content: Buffer.from(`emulator:${reply.id}`).toString('base64') }
    : {};
  const summaryPart = { type: 'summary_text', text: reply.reasoning };
  return {
    added: { id, type: 'reasoning', ...encryptedContent, summary: [] },
    done: { id, type: 'reasoning', ...encryptedContent, summary: [summaryPart] },
    events: (outputIndex) => {
      const at = { item_id: id, output_index: outputIndex, summary_index: 0 };
      return [
        {
          type: 'response.reasoning_summary_part.added',
          ...at,
          part: { type: 'summary_text', text: '' },
        },
        ...reply.reasoningChunks.map((delta) => ({
          type: 'response.reasoning_summary_text.delta',
          ...at,
          delta,
        })),
        { type: 'response.reasoning_summary_text.done', ...at, text: reply.reasoning },
        { type: 'response.reasoning_summary_part.done', ...at, part: summaryPart },
      ];
    },
  };
}

function messageItem(reply: NormalizedReply): OutputPlan {
  const id = `msg_${reply.id}`;
  const refusal = reply.refusal;
  const part =
    refusal === undefined
      ? { type: 'output_text', annotations: [], logprobs: [], text: reply.text }
      : { type: 'refusal', refusal };
  const item = (itemStatus: string, content: Json[]) => ({
    id,
    type: 'message',
    status: itemStatus,
    content,
    role: 'assistant',
  });
  return {
    added: item('in_progress', []),
    done: item('completed', [part]),
    events: (outputIndex) => {
      const at = { item_id: id, output_index: outputIndex, content_index: 0 };
      if (refusal !== undefined) {
        return [
          { type: 'response.content_part.added', ...at, part: { type: 'refusal', refusal: '' } },
          ...splitWords(refusal).map((delta) => ({ type: 'response.refusal.delta', ...at, delta })),
          { type: 'response.refusal.done', ...at, refusal },
          { type: 'response.content_part.done', ...at, part },
        ];
      }
      return [
        {
          type: 'response.content_part.added',
          ...at,
          part: { type: 'output_text', annotations: [], logprobs: [], text: '' },
        },
        ...reply.textChunks.map((delta) => ({
          type: 'response.output_text.delta',
          ...at,
          delta,
          logprobs: [],
        })),
        { type: 'response.output_text.done', ...at, text: reply.text, logprobs: [] },
        { type: 'response.content_part.done', ...at, part },
      ];
    },
  };
}

function functionCallItem(
  reply: NormalizedReply,
  call: NormalizedReply['toolCalls'][number],
  index: number,
): OutputPlan {
  const id = `fc_${reply.id}_${index}`;
  const item = (itemStatus: string, args: string) => ({
    id,
    type: 'function_call',
    status: itemStatus,
    arguments: args,
    call_id: call.id,
    name: call.name,
  });
  return {
    added: item('in_progress', ''),
    done: item('completed', call.arguments),
    events: (outputIndex) => [
      ...call.argumentChunks.map((delta) => ({
        type: 'response.function_call_arguments.delta',
        item_id: id,
        output_index: outputIndex,
        delta,
      })),
      {
        type: 'response.function_call_arguments.done',
        item_id: id,
        output_index: outputIndex,
        arguments: call.arguments,
      },
    ],
  };
}

/** The output items in the order OpenAI sends them: reasoning, the message, then function calls. */
function outputPlans(reply: NormalizedReply, request: EmulatorRequest): OutputPlan[] {
  const plans: OutputPlan[] = [];
  if (reply.reasoning !== '') plans.push(reasoningItem(reply, wantsEncryptedReasoning(request)));
  if (reply.text !== '' || reply.refusal !== undefined || reply.toolCalls.length === 0) {
    plans.push(messageItem(reply));
  }
  reply.toolCalls.forEach((call, index) => plans.push(functionCallItem(reply, call, index)));
  return plans;
}

function responseObject(reply: NormalizedReply, request: EmulatorRequest, output: Json[]): Json {
  return {
    id: withPrefix(reply.id, 'resp_'),
    object: 'response',
    created_at: reply.created,
    ...echoedFields(request),
    ...status(reply),
    service_tier: 'default',
    output,
    usage: responsesUsage(reply),
  };
}

/**
 * The OpenAI Responses API (`POST /v1/responses`), as the API answers: a `response` object, or
 * named events (`event: response.created` …) each carrying its `type` and a `sequence_number`:
 * `response.created`, `response.in_progress`, then per output item `response.output_item.added`,
 * its content events (reasoning summary, output text or refusal, function-call arguments) and
 * `response.output_item.done`, and last `response.completed` (or `response.incomplete` at the token
 * limit or the content filter) with the usage. Reasoning items carry `encrypted_content` when the
 * request's `include` asks for `reasoning.encrypted_content`. An error mid-stream is an `error`
 * event with the error object nested, as recorded from OpenAI.
 *
 * @internal
 */
export const openaiResponsesWire: WireFormat = {
  api: 'openai-responses',
  prefix: '/openai',

  match(method, path, _query, body) {
    if (method !== 'POST' || path !== '/v1/responses') return undefined;
    const record = isRecord(body) ? body : {};
    return {
      stream: record.stream === true,
      model: typeof record.model === 'string' ? record.model : undefined,
    };
  },

  replyBody(reply, request) {
    return responseObject(
      reply,
      request,
      outputPlans(reply, request).map((plan) => plan.done),
    );
  },

  replyEvents(reply, request) {
    const plans = outputPlans(reply, request);
    const inProgress = {
      id: withPrefix(reply.id, 'resp_'),
      object: 'response',
      created_at: reply.created,
      status: 'in_progress',
      ...echoedFields(request),
    };
    const payloads: Json[] = [
      { type: 'response.created', response: inProgress },
      { type: 'response.in_progress', response: inProgress },
    ];
    plans.forEach((plan, outputIndex) => {
      payloads.push({
        type: 'response.output_item.added',
        output_index: outputIndex,
        item: plan.added,
      });
      payloads.push(...plan.events(outputIndex));
      payloads.push({
        type: 'response.output_item.done',
        output_index: outputIndex,
        item: plan.done,
      });
    });
    const final = responseObject(
      reply,
      request,
      plans.map((plan) => plan.done),
    );
    payloads.push({
      type: final.status === 'incomplete' ? 'response.incomplete' : 'response.completed',
      response: final,
    });
    return payloads.map((payload, sequence): SseEvent => {
      const { type, ...rest } = payload;
      return {
        event: String(type),
        data: JSON.stringify({ type, sequence_number: sequence, ...rest }),
      };
    });
  },

  errorBody(failure) {
    return { error: openaiErrorObject(failure, 'input') };
  },

  streamErrorEvent(failure) {
    const { message, type, param, code } = openaiErrorObject(failure, 'input');
    return {
      event: 'error',
      data: JSON.stringify({ type: 'error', error: { type, code, message, param } }),
    };
  },
};
