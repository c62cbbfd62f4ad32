import { describe, expect, it } from 'vitest';
import { toChatError } from './to-chat-error.js';

describe('toChatError', () => {
  it.each([
    {
      server: 'OpenAI-style (LM Studio, Ollama)',
      status: 429,
      headers: { 'retry-after': '2' },
      body: { error: { message: 'Slow down.', type: 'requests', code: 'rate_limit_exceeded' } },
      code: 'rate_limited',
      details: { retryAfterMs: 2000, vendorCode: 'rate_limit_exceeded', status: 429 },
    },
    {
      server: 'older vLLM',
      status: 400,
      headers: {},
      body: {
        object: 'error',
        message:
          "This model's maximum context length is 8192 tokens. However, you requested 9000 tokens.",
        type: 'BadRequestError',
        code: 400,
      },
      code: 'context_length_exceeded',
      details: { status: 400 },
    },
    {
      server: 'Ollama, unknown model',
      status: 404,
      headers: { 'x-request-id': 'req_42' },
      body: {
        error: { message: 'model "llama9" not found, try pulling it first', type: 'api_error' },
      },
      code: 'invalid_request',
      details: { requestId: 'req_42' },
    },
    {
      server: 'a gateway that refuses the key',
      status: 401,
      headers: {},
      body: 'Unauthorized',
      code: 'auth_failed',
      details: { status: 401 },
    },
    {
      server: 'a server that is loading the model',
      status: 503,
      headers: {},
      body: { error: 'model is loading' },
      code: 'provider_unavailable',
      details: { status: 503 },
    },
  ])('maps $server HTTP $status to $code', ({ status, headers, body, code, details }) => {
    const error = toChatError({
      serverName: 'the server',
      status,
      headers: new Headers(headers as Record<string, string>),
      body,
    });
    expect(error.code).toBe(code);
    expect(error.details).toMatchObject({ provider: 'openai-compatible', ...details });
    expect(error.suggestions.length).toBeGreaterThan(0);
  });

  it.each([
    [{ error: { message: 'Overloaded', type: 'server_error' } }, 'provider_unavailable'],
    [
      { error: { message: 'Too many', type: 'requests', code: 'rate_limit_exceeded' } },
      'rate_limited',
    ],
    [{ error: { message: 'Bad tool', type: 'invalid_request_error' } }, 'invalid_request'],
  ])('maps an error event inside a stream by its type: %j is %s', (body, code) => {
    expect(toChatError({ serverName: 'the server', body }).code).toBe(code);
  });

  it('masks a key the server echoes in its message', () => {
    const key = 'sk-' + 'x'.repeat(48);
    const error = toChatError({
      serverName: 'the server',
      status: 401,
      body: { error: { message: `Bad key ${key}` } },
    });
    expect(error.message).not.toContain(key);
  });
});
