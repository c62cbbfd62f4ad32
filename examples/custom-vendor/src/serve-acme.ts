import type {
  ConformanceFailure,
  ConformanceRequest,
  ConformanceRequestInfo,
  ConformanceServe,
  EmulatorErrorType,
  NormalizedReply,
} from '@agentry/testing';
import {
  ACME_RETRY_HEADER,
  ACME_STREAM_PATH,
  type AcmeAnswer,
  type AcmeFaultBody,
  type AcmeFaultKind,
  type AcmeFrame,
  type AcmeItem,
  type AcmeMeter,
  type AcmeRequest,
  type AcmeStop,
} from './acme-protocol.js';

/**
 * Acme's side of the conversation, for tests: answers the conformance kit's scenarios (and a
 * protocol emulator's script) in Acme's protocol. This is the whole encoder: text and thoughts as
 * `say` and `thought` frames, each tool call as a `call` frame and its argument pieces as `args`
 * frames, usage as the `end` frame's meter, failures as a status with a fault body and
 * `acme-retry-in-ms`, a `fault` frame mid-stream, and a broken line for a malformed event. The kit
 * does the rest (the server, pacing, resets, stalls).
 */

const faultKinds: Record<EmulatorErrorType, AcmeFaultKind> = {
  invalid_request: 'bad_request',
  authentication: 'bad_key',
  permission: 'forbidden',
  not_found: 'no_such_model',
  rate_limit: 'slow_down',
  context_length: 'too_long',
  content_filter: 'blocked',
  server: 'broken',
  overloaded: 'busy',
};

const stops: Record<NormalizedReply['finishReason'], AcmeStop> = {
  stop: 'done',
  length: 'max_output',
  'tool-calls': 'calls',
  'content-filter': 'blocked',
};

const line = (frame: AcmeFrame): string => `${JSON.stringify(frame)}\n`;

function faultBody(failure: ConformanceFailure): AcmeFaultBody {
  return { fault: { kind: faultKinds[failure.error], detail: failure.message } };
}

function meter(reply: NormalizedReply): AcmeMeter {
  const { inputTokens, cachedInputTokens, outputTokens, reasoningTokens } = reply.usage;
  return {
    in: inputTokens,
    cached: cachedInputTokens,
    out: outputTokens,
    thinking: reasoningTokens,
  };
}

function frames(reply: NormalizedReply): AcmeFrame[] {
  return [
    { frame: 'begin', id: reply.id },
    ...reply.reasoningChunks.map((text): AcmeFrame => ({ frame: 'thought', text })),
    ...reply.textChunks.map((text): AcmeFrame => ({ frame: 'say', text })),
    ...(reply.refusal === undefined ? [] : [{ frame: 'say', text: reply.refusal } as const]),
    ...reply.toolCalls.flatMap((call): AcmeFrame[] => [
      { frame: 'call', ref: call.id, tool: call.name },
      ...call.argumentChunks.map((piece): AcmeFrame => ({ frame: 'args', ref: call.id, piece })),
    ]),
    { frame: 'end', stop: stops[reply.finishReason], meter: meter(reply) },
  ];
}

function answer(reply: NormalizedReply): AcmeAnswer {
  const output: AcmeItem[] = [
    ...(reply.reasoning === '' ? [] : [{ thought: reply.reasoning }]),
    ...(reply.text === '' ? [] : [{ text: reply.text }]),
    ...(reply.refusal === undefined ? [] : [{ text: reply.refusal }]),
    ...reply.toolCalls.map(({ id, name, arguments: args }) => ({
      call: { ref: id, tool: name, args },
    })),
  ];
  return { id: reply.id, output, stop: stops[reply.finishReason], meter: meter(reply) };
}

/**
 * Answers one scenario in Acme's protocol: a JSON answer on `/v2/generate`, NDJSON frames on
 * `/v2/generate:stream`, a fault body with its status (and `acme-retry-in-ms` for a
 * `retry-after`) for a failure.
 *
 * @example
 * ```ts
 * describeProviderConformance({ name: 'acme', serve: serveAcme, readRequest: readAcmeRequest, createModel });
 * ```
 */
export const serveAcme: ConformanceServe = (scenario, request) => {
  if (scenario.kind === 'error') {
    const { failure } = scenario;
    const seconds = Number(failure.headers['retry-after']);
    return {
      status: failure.status,
      headers: Number.isFinite(seconds) ? { [ACME_RETRY_HEADER]: String(seconds * 1000) } : {},
      body: { ...faultBody(failure) },
    };
  }
  const { reply, fault } = scenario;
  if (!request.path.endsWith(ACME_STREAM_PATH)) return { body: { ...answer(reply) } };
  return {
    headers: { 'content-type': 'application/x-ndjson' },
    events: frames(reply).map(line),
    // The line a malformed event sends is cut off inside its JSON; an error is a fault frame.
    faultEvent:
      fault?.kind === 'error'
        ? line({ frame: 'fault', ...faultBody(fault.failure) })
        : fault?.kind === 'malformed'
          ? '{"frame":"say","text":"cut sho\n'
          : undefined,
  };
};

/**
 * Reads what the kit checks from an Acme request: the model, and the `ref` of every tool call and
 * tool result sent back.
 *
 * @example
 * ```ts
 * readAcmeRequest(request); // { model: 'acme-large', toolCallIds: ['call_1'], toolResultIds: ['call_1'] }
 * ```
 */
export function readAcmeRequest(request: ConformanceRequest): ConformanceRequestInfo {
  const body = (
    typeof request.body === 'object' && request.body !== null ? request.body : {}
  ) as Partial<AcmeRequest>;
  const items = (body.turns ?? []).flatMap((turn) => turn.items);
  return {
    model: body.model,
    toolCallIds: items.flatMap((item) => ('call' in item ? [item.call.ref] : [])),
    toolResultIds: items.flatMap((item) => ('result' in item ? [item.result.ref] : [])),
  };
}
