import type { WireFormat } from '../emulator-types.js';

function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null
    ? (body as Record<string, unknown>)[name]
    : undefined;
}

/**
 * A small wire format for the server's tests, independent of the vendor formats: POST
 * `/fake/v1/answer` (streamed when the body says `stream: true` or the query `alt=sse`).
 */
export const fakeWire: WireFormat = {
  api: 'openai-chat',
  prefix: '/openai',
  match(method, path, query, body) {
    if (method !== 'POST' || path !== '/v1/answer') return undefined;
    const model = field(body, 'model');
    return {
      stream: field(body, 'stream') === true || query.get('alt') === 'sse',
      model: typeof model === 'string' ? model : undefined,
    };
  },
  replyBody: (reply, request) => ({
    id: reply.id,
    model: request.model,
    text: reply.text,
    toolCalls: reply.toolCalls.map(({ id, name, arguments: input }) => ({ id, name, input })),
    finish: reply.finishReason,
    usage: reply.usage,
  }),
  replyEvents: (reply) => [
    { event: 'start', data: JSON.stringify({ id: reply.id }) },
    ...reply.textChunks.map((delta) => ({ data: JSON.stringify({ delta }) })),
    { event: 'end', data: JSON.stringify({ finish: reply.finishReason }) },
  ],
  errorBody: (failure) => ({ fake_error: { type: failure.error, message: failure.message } }),
  streamErrorEvent: (failure) => ({
    event: 'error',
    data: JSON.stringify({ type: failure.error, message: failure.message }),
  }),
};

/** A second format under another prefix, to show routing by the first path segment. */
export const otherWire: WireFormat = {
  ...fakeWire,
  api: 'google',
  prefix: '/google',
  match: (method, path) =>
    method === 'POST' && path.startsWith('/v1beta/models/')
      ? { stream: false, model: path.slice('/v1beta/models/'.length).split(':')[0] }
      : undefined,
};
