import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { EmulatorReply } from '@agentry/testing';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { describe, expect, it } from 'vitest';
import { ask, collect, failureOf, testKey, textOf, useEmulator } from '../test/openai-test-kit.js';
import { createOpenAI } from './create-openai.js';
import { openaiErrorBodySchema, toOpenAIError } from './to-openai-error.js';

interface ErrorCase {
  name: string;
  status: number;
  headers?: Record<string, string>;
  body: { error: Record<string, unknown> };
  code: string;
  recoverable: boolean;
  retryAfterMs?: number;
}

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`__fixtures__/${name}`, import.meta.url), 'utf8'));
const cases = fixture('error-bodies.json') as ErrorCase[];
const insufficientQuota = fixture('insufficient-quota.json') as { error: Record<string, unknown> };
const context = { modelId: 'gpt-5.4-mini' };

const kit = useEmulator();

describe('toOpenAIError', () => {
  describe('error bodies', () => {
    it.each(cases)('maps $name (HTTP $status) to $code', (errorCase) => {
      const error = toOpenAIError(
        new APIError(
          errorCase.status,
          errorCase.body.error,
          undefined,
          new Headers(errorCase.headers),
        ),
        context,
      );
      expect(error.code).toBe(errorCase.code);
      expect(error.recoverable).toBe(errorCase.recoverable);
      expect(error.details).toMatchObject({ provider: 'openai', status: errorCase.status });
      expect(error.details.retryAfterMs).toBe(errorCase.retryAfterMs);
      expect(error.suggestions.length).toBeGreaterThan(0);
    });

    it('parses every fixture with the error body schema', () => {
      for (const errorCase of cases) {
        expect(openaiErrorBodySchema.safeParse(errorCase.body.error).success).toBe(true);
      }
    });

    it('maps a recorded insufficient_quota to rate_limited that retrying cannot fix', () => {
      const error = toOpenAIError(
        new APIError(429, insufficientQuota.error, undefined, new Headers()),
        context,
      );
      expect(error).toMatchObject({ code: 'rate_limited', recoverable: false });
      expect(error.details.vendorCode).toBe('insufficient_quota');
    });

    it('maps the same error sent inside a stream, which has no status', () => {
      const error = toOpenAIError(
        new APIError(undefined, insufficientQuota.error, undefined, undefined),
        context,
      );
      expect(error).toMatchObject({ code: 'rate_limited', recoverable: false });
      expect(error.details.status).toBe(undefined);
      const server = toOpenAIError(
        new APIError(
          undefined,
          { type: 'server_error', message: 'Oops', code: 'server_error' },
          undefined,
          undefined,
        ),
        context,
      );
      expect(server.code).toBe('provider_unavailable');
    });

    it('keeps the request id for support tickets', () => {
      const error = toOpenAIError(
        new APIError(500, { message: 'x' }, undefined, new Headers({ 'x-request-id': 'req_123' })),
        context,
      );
      expect(error.details.requestId).toBe('req_123');
    });

    it('masks a key that the vendor echoes in its message', () => {
      const key = testKey();
      const error = toOpenAIError(
        new APIError(
          401,
          { message: `Incorrect API key provided: ${key}.`, code: 'invalid_api_key' },
          undefined,
          new Headers(),
        ),
        context,
      );
      expect(error.code).toBe('auth_failed');
      expect(error.message).not.toContain(key);
      expect(JSON.stringify(error.toJSON())).not.toContain(key);
    });
  });

  describe('transport failures', () => {
    it.each([
      ['a user abort', new APIUserAbortError(), 'aborted'],
      ['a timeout', new APIConnectionTimeoutError(), 'timeout'],
      ['a refused connection', new APIConnectionError({ message: 'Connection error.' }), 'network'],
      [
        'a reset mid-stream',
        Object.assign(new TypeError('terminated'), { cause: new Error('other side closed') }),
        'network',
      ],
      [
        'an event that is not JSON',
        new SyntaxError('Unexpected token n in JSON'),
        'provider_unavailable',
      ],
    ])('maps %s to %s', (_name, thrown, code) => {
      expect(toOpenAIError(thrown, context).code).toBe(code);
    });

    it('maps anything to aborted once the signal has aborted', () => {
      const signal = AbortSignal.abort();
      expect(toOpenAIError(new TypeError('terminated'), { ...context, signal }).code).toBe(
        'aborted',
      );
    });
  });
});

describe.each(['responses', 'chat'] as const)('OpenAI errors over HTTP (api %s)', (api) => {
  const model = (options = {}) => kit.provider(api, options).createModel('gpt-5.4-mini');
  // Events before the first text delta: the role chunk, or four Responses API events.
  const afterTwoDeltas = api === 'chat' ? 3 : 6;

  it.each([
    [{ 'retry-after': '2' }, 2000],
    [{ 'retry-after-ms': '150', 'retry-after': '1' }, 150],
  ])('reads the wait of a 429 from %o', async (headers, retryAfterMs) => {
    kit.emulator.enqueue({ kind: 'error', status: 429, headers });
    const error = await failureOf(model().generate(ask('Hi')));
    expect(error).toMatchObject({ code: 'rate_limited', recoverable: true });
    expect(error.details).toMatchObject({
      status: 429,
      retryAfterMs,
      vendorCode: 'rate_limit_exceeded',
    });
  });

  it.each([
    [401, undefined, 'auth_failed'],
    [403, undefined, 'auth_failed'],
    [400, 'context_length', 'context_length_exceeded'],
    [400, 'content_filter', 'content_filtered'],
    [400, 'invalid_request', 'invalid_request'],
    [500, undefined, 'provider_unavailable'],
    [503, 'overloaded', 'provider_unavailable'],
  ] as const)(
    'maps HTTP %i (%s) to %s, from generate and before any stream part',
    async (status, error, code) => {
      kit.emulator.enqueue({ kind: 'error', status, ...(error ? { error } : {}) });
      kit.emulator.enqueue({ kind: 'error', status, ...(error ? { error } : {}) });
      expect((await failureOf(model().generate(ask('Hi')))).code).toBe(code);
      expect((await failureOf(collect(model().stream(ask('Hi'))))).code).toBe(code);
    },
  );

  it('keeps the text parts before a reset mid-stream and ends with a network error part', async () => {
    kit.emulator.enqueue({ text: 'one two three four five six', resetAfterChunks: afterTwoDeltas });
    const parts = await collect(model().stream(ask('Count')));
    const last = parts.at(-1);
    expect(last?.type).toBe('error');
    expect(last?.type === 'error' && last.error.code).toBe('network');
    expect(parts.map((part) => part.type)).not.toContain('response-end');
    expect(parts[0]).toMatchObject({ type: 'text-start' });
    expect(textOf(parts)).toBe('one two ');
  });

  it('ends with a provider_unavailable error part after a malformed event', async () => {
    kit.emulator.enqueue({ text: 'one two three four', malformedAfterChunks: afterTwoDeltas });
    const parts = await collect(model().stream(ask('Count')));
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'provider_unavailable' } });
    expect(parts.some((part) => part.type === 'text-delta')).toBe(true);
  });

  it('throws provider_unavailable when the first event is malformed', async () => {
    kit.emulator.enqueue({ text: 'one two', malformedAfterChunks: 0 });
    expect((await failureOf(collect(model().stream(ask('Hi'))))).code).toBe('provider_unavailable');
  });

  it('ends with the error of an error event sent mid-stream', async () => {
    kit.emulator.enqueue({
      text: 'one two three four',
      streamError: {
        afterChunks: afterTwoDeltas,
        failure: { kind: 'error', status: 429, error: 'rate_limit' },
      },
    });
    const parts = await collect(model().stream(ask('Count')));
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'rate_limited' } });
  });

  it('fails with timeout when OpenAI does not answer in time', async () => {
    const reply: EmulatorReply = { text: 'late', delayMs: 2000 };
    kit.emulator.enqueue(reply);
    const error = await failureOf(model({ timeout: 100 }).generate(ask('Hi')));
    expect(error.code).toBe('timeout');
    expect(error.recoverable).toBe(true);
  });

  it('fails with network when nothing listens', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const provider = createOpenAI({
      api,
      apiKey: testKey(),
      endpoint: `http://127.0.0.1:${port}/v1`,
    });
    try {
      const error = await failureOf(provider.createModel('gpt-5.4-mini').generate(ask('Hi')));
      expect(error).toMatchObject({ code: 'network', recoverable: true });
    } finally {
      await provider.close();
    }
  });

  it('never puts the key in the error', async () => {
    kit.emulator.enqueue({
      kind: 'error',
      status: 401,
      message: `Incorrect API key provided: ${testKey()}.`,
    });
    const error = await failureOf(model().generate(ask('Hi')));
    expect(JSON.stringify(error.toJSON())).not.toContain(testKey());
  });
});
