import { AgentryError, defineTool, type PluginHost } from '@agentry/core';
import { mockError, mockText, mockToolCall } from '@agentry/testing';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { attributes as a } from '../semconv/gen-ai.js';
import { createTracedAgentry, parentOf } from './__fixtures__/traced-agentry.js';
import { installTracing } from './install-tracing.js';

/** The span active inside each tool execution. */
const activeInTool: (string | undefined)[] = [];
const lookup = defineTool({
  name: 'lookup_order',
  description: 'Looks an order up.',
  input: z.object({ orderId: z.string() }),
  execute: async ({ orderId }) => {
    await Promise.resolve();
    activeInTool.push(trace.getActiveSpan()?.spanContext().spanId);
    return { orderId, total: 120 };
  },
});

const toolThenText = [
  mockToolCall(
    'lookup_order',
    { orderId: 'o-1' },
    { toolCallId: 'call-1', usage: { inputTokens: 10, outputTokens: 4 } },
  ),
  mockText('Order o-1 totals 120.', { usage: { inputTokens: 20, outputTokens: 6 } }),
];

describe('installTracing', () => {
  it('parents invoke_agent under the caller’s active span, and chat and execute_tool under it', async () => {
    const traced = await createTracedAgentry({ script: toolThenText });
    const agent = traced.agentry.createAgent({ tools: [lookup] });
    const tracer = traced.tracerProvider.getTracer('app');
    await tracer.startActiveSpan('http.request', async (request) => {
      await agent.send('What does order o-1 total?');
      request.end();
    });

    const root = traced.span('http.request');
    const invoke = traced.span(`invoke_agent ${agent.id}`);
    expect(parentOf(invoke)).toBe(root.spanContext().spanId);
    expect(invoke.spanContext().traceId).toBe(root.spanContext().traceId);
    expect(invoke.kind).toBe(SpanKind.INTERNAL);
    expect(invoke.attributes).toMatchObject({
      [a.operationName]: 'invoke_agent',
      [a.agentId]: agent.id,
      [a.usageInputTokens]: 30,
      [a.usageOutputTokens]: 10,
    });

    const chats = traced.spans().filter((span) => span.name === 'chat gpt-4o');
    expect(chats).toHaveLength(2);
    for (const chat of chats) {
      expect(chat.kind).toBe(SpanKind.CLIENT);
      expect(parentOf(chat)).toBe(invoke.spanContext().spanId);
    }
    expect(chats[0]?.attributes).toMatchObject({
      [a.operationName]: 'chat',
      [a.providerName]: 'openai',
      [a.requestModel]: 'gpt-4o',
      [a.responseModel]: 'gpt-4o',
      [a.responseFinishReasons]: ['tool-calls'],
      [a.usageInputTokens]: 10,
      [a.usageOutputTokens]: 4,
      [a.attempt]: 1,
      [a.step]: 1,
    });
    expect(chats[0]?.attributes[a.timeToFirstChunk]).toBeTypeOf('number');
    expect(chats[1]?.attributes[a.responseFinishReasons]).toEqual(['stop']);

    const tool = traced.span('execute_tool lookup_order');
    expect(parentOf(tool)).toBe(invoke.spanContext().spanId);
    expect(tool.attributes).toMatchObject({
      [a.operationName]: 'execute_tool',
      [a.toolName]: 'lookup_order',
      [a.toolCallId]: 'call-1',
      [a.toolType]: 'function',
    });
    // Code inside a tool runs inside its execute_tool span, across awaits.
    expect(activeInTool.at(-1)).toBe(tool.spanContext().spanId);
    // The run ends after its last model call and its tool call. The SDK anchors each span's clock
    // to Date.now() (whole milliseconds) when the span starts, so times of two spans compare only
    // to within a millisecond.
    const nanos = (time: readonly [number, number] | undefined) =>
      time === undefined ? 0 : time[0] * 1e9 + time[1];
    expect(nanos(invoke.endTime)).toBeGreaterThanOrEqual(nanos(chats[1]?.endTime) - 1e6);
  });

  it('makes one chat span per attempt, so a retry shows as a failed span and a good one', async () => {
    const traced = await createTracedAgentry({
      maxAttempts: 2,
      script: [{ error: mockError('provider_unavailable', 'Try again.') }, mockText('Hi.')],
    });
    await traced.agentry.createAgent().send('Hello');
    const chats = traced.spans().filter((span) => span.name === 'chat gpt-4o');
    expect(
      chats.map((span) => [
        span.attributes[a.attempt],
        span.attributes[a.errorType],
        span.status.code,
      ]),
    ).toEqual([
      [1, 'provider_unavailable', SpanStatusCode.ERROR],
      [2, undefined, SpanStatusCode.UNSET],
    ]);
  });

  it('makes a chat span for the fallback model after the primary fails, both under the run', async () => {
    const traced = await createTracedAgentry({
      script: [{ error: mockError('provider_unavailable', 'Down.') }],
      fallback: { modelId: 'gpt-4o-mini', script: [mockText('From the fallback.')] },
    });
    const agent = traced.agentry.createAgent();
    expect((await agent.send('Hello')).text).toBe('From the fallback.');
    const invoke = traced.span(`invoke_agent ${agent.id}`);
    const primary = traced.span('chat gpt-4o');
    const fallback = traced.span('chat gpt-4o-mini');
    expect(primary.attributes[a.errorType]).toBe('provider_unavailable');
    expect(fallback.attributes).toMatchObject({
      [a.requestModel]: 'gpt-4o-mini',
      [a.responseModel]: 'gpt-4o-mini',
      [a.responseFinishReasons]: ['stop'],
    });
    expect(fallback.attributes[a.errorType]).toBeUndefined();
    for (const chat of [primary, fallback])
      expect(parentOf(chat)).toBe(invoke.spanContext().spanId);
  });

  it('marks the chat and invoke_agent spans failed with error.type when the run fails', async () => {
    const traced = await createTracedAgentry({
      script: [{ error: mockError('auth_failed', 'Bad key.') }],
    });
    const agent = traced.agentry.createAgent();
    await expect(agent.send('Hello')).rejects.toMatchObject({ code: 'auth_failed' });
    expect(traced.span('chat gpt-4o').attributes[a.errorType]).toBe('auth_failed');
    const invoke = traced.span(`invoke_agent ${agent.id}`);
    expect(invoke.status.code).toBe(SpanStatusCode.ERROR);
    expect(invoke.attributes[a.errorType]).toBe('auth_failed');
  });

  it('records Anthropic cache reads and writes and names Google gcp.gemini', async () => {
    const anthropic = await createTracedAgentry({
      provider: 'anthropic',
      modelId: 'claude-sonnet-5-5',
      script: [
        mockText('Hi.', {
          usage: {
            inputTokens: 5000,
            outputTokens: 3,
            cachedInputTokens: 1000,
            cacheWriteInputTokens: 3000,
          },
        }),
      ],
    });
    await anthropic.agentry.createAgent().send('Hello');
    expect(anthropic.span('chat claude-sonnet-5-5').attributes).toMatchObject({
      [a.providerName]: 'anthropic',
      [a.usageInputTokens]: 5000,
      [a.usageCacheReadInputTokens]: 1000,
      [a.usageCacheWriteInputTokens]: 3000,
    });
    const google = await createTracedAgentry({
      provider: 'google',
      modelId: 'gemini-3-flash',
      script: [mockText('Hi.')],
    });
    await google.agentry.createAgent().send('Hello');
    expect(google.span('chat gemini-3-flash').attributes[a.providerName]).toBe('gcp.gemini');
    const acme = await createTracedAgentry({
      provider: 'acme',
      modelId: 'acme-large',
      script: [mockText('Hi.')],
    });
    await acme.agentry.createAgent().send('Hello');
    expect(acme.span('chat acme-large').attributes[a.providerName]).toBe('acme');
  });

  it('records gen_ai.client.token.usage by token type and gen_ai.client.operation.duration by default', async () => {
    const traced = await createTracedAgentry({ script: toolThenText, env: {} });
    await traced.agentry.createAgent({ tools: [lookup] }).send('Total?');
    const metrics = await traced.metrics();
    expect([...metrics.keys()].sort()).toEqual([
      'gen_ai.client.operation.duration',
      'gen_ai.client.token.usage',
    ]);
    const usage = metrics.get('gen_ai.client.token.usage');
    const sums = Object.fromEntries(
      (usage?.dataPoints ?? []).map((point) => [
        String(point.attributes[a.tokenType]),
        (point.value as { sum?: number }).sum,
      ]),
    );
    expect(sums).toEqual({ input: 30, output: 10 });
    expect(usage?.descriptor.unit).toBe('{token}');
    const duration = metrics.get('gen_ai.client.operation.duration');
    expect(duration?.descriptor.unit).toBe('s');
    expect(duration?.dataPoints[0]?.attributes).toMatchObject({
      [a.operationName]: 'chat',
      [a.providerName]: 'openai',
      [a.requestModel]: 'gpt-4o',
      [a.responseModel]: 'gpt-4o',
    });
  });

  it('switches to the gen_ai.client.inference.* metrics under gen_ai_latest_experimental', async () => {
    const traced = await createTracedAgentry({
      script: [mockText('Hi.', { usage: { inputTokens: 7, outputTokens: 2 } })],
      env: { OTEL_SEMCONV_STABILITY_OPT_IN: 'http, gen_ai_latest_experimental' },
    });
    await traced.agentry.createAgent().send('Hello');
    const metrics = await traced.metrics();
    expect([...metrics.keys()].sort()).toEqual([
      'gen_ai.client.inference.duration',
      'gen_ai.client.inference.usage.input_tokens',
      'gen_ai.client.inference.usage.output_tokens',
    ]);
    const input = metrics.get('gen_ai.client.inference.usage.input_tokens')?.dataPoints[0];
    expect((input?.value as { sum?: number }).sum).toBe(7);
  });

  it('refuses unknown or ill-typed options, naming each', () => {
    const host = {} as PluginHost;
    const attempt = (options: unknown) => {
      try {
        installTracing(host, options as never);
      } catch (error) {
        return error;
      }
      throw new Error('installTracing accepted bad options');
    };
    const unknown = attempt({ tracerProvder: {} });
    expect(AgentryError.isInstance(unknown) && unknown.code).toBe('validation_failed');
    expect((unknown as AgentryError).message).toContain('unknown option tracerProvder');
    const typed = attempt({ captureContent: 'yes', meterProvider: {} }) as AgentryError;
    expect(typed.details).toMatchObject({
      problems: [
        { path: 'meterProvider', message: 'meterProvider has no getMeter()' },
        { path: 'captureContent', message: 'captureContent must be a boolean' },
      ],
    });
  });
});
