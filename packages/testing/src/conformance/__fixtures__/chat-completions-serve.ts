import type { EmulatorRequest } from '../../emulator/emulator-types.js';
import { openaiChatWire } from '../../emulator/wire/openai-chat.js';
import { formatEvent } from '../../emulator/write-turn.js';
import type {
  ConformanceRequest,
  ConformanceRequestInfo,
  ConformanceServe,
  ConformanceStreamAnswer,
} from '../serve/serve-types.js';
import { sentToolCallIds } from '../tool-call-ids.js';

/** The reference model's request, as the emulator's Chat Completions format reads it. */
function asEmulatorRequest(request: ConformanceRequest): EmulatorRequest {
  const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as {
    model?: unknown;
    stream?: unknown;
  };
  return {
    api: 'openai-chat',
    method: request.method,
    path: request.path,
    query: request.query,
    headers: request.headers,
    body: request.body,
    model: typeof body.model === 'string' ? body.model : undefined,
    stream: body.stream === true,
  };
}

/**
 * An author's encoder for the kit's own tests: it answers in Chat Completions (the protocol the
 * reference model speaks) through `serve`, as a vendor's encoder answers in its own protocol.
 */
export const serveChatCompletions: ConformanceServe = (scenario, conformanceRequest) => {
  const request = asEmulatorRequest(conformanceRequest);
  if (scenario.kind === 'error') {
    const { failure } = scenario;
    return {
      status: failure.status,
      headers: failure.headers,
      body: openaiChatWire.errorBody({ kind: 'error', ...failure }) as Record<string, unknown>,
    };
  }
  const { reply, fault } = scenario;
  if (!request.stream) {
    return { body: openaiChatWire.replyBody(reply, request) as Record<string, unknown> };
  }
  const answer: ConformanceStreamAnswer = {
    headers: { 'content-type': 'text/event-stream' },
    events: openaiChatWire.replyEvents(reply, request).map(formatEvent),
  };
  if (fault?.kind === 'malformed') answer.faultEvent = 'data: {not json\n\n';
  if (fault?.kind === 'error') {
    answer.faultEvent = formatEvent(
      openaiChatWire.streamErrorEvent({ kind: 'error', ...fault.failure }),
    );
  }
  return answer;
};

/** Reads the model and the tool call ids from a Chat Completions request. */
export function readChatCompletionsRequest(request: ConformanceRequest): ConformanceRequestInfo {
  const { model } = asEmulatorRequest(request);
  const ids = sentToolCallIds('openai-chat', request.body);
  return { model, toolCallIds: ids.calls, toolResultIds: ids.results };
}
