import { SpanKind } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { startOtlpReceiver, type ReceivedSpan } from './__fixtures__/otlp-receiver.js';
import { activeInTool, createTracedInstance, lookupOrder } from './__fixtures__/traced-instance.js';
import { startOtel } from './start-otel.js';

const one = (spans: ReceivedSpan[], name: string): ReceivedSpan => {
  const found = spans.filter((span) => span.name === name);
  if (found.length !== 1)
    throw new Error(`Expected one span ${name}, got ${spans.map((span) => span.name).join(', ')}`);
  return found[0] as ReceivedSpan;
};

describe('startOtel exporting to an OTLP/HTTP receiver', () => {
  it('delivers the agent’s span tree under the caller’s span, with GenAI names, and the metrics', async () => {
    const receiver = await startOtlpReceiver();
    const otel = startOtel({
      serviceName: 'otlp-test',
      serviceVersion: '1.2.3',
      endpoint: receiver.url,
      registerGlobal: false,
    });
    try {
      const agentry = await createTracedInstance({
        tracerProvider: otel.tracerProvider,
        meterProvider: otel.meterProvider,
      });
      const agent = agentry.createAgent({ tools: [lookupOrder] });
      await otel.tracerProvider.getTracer('app').startActiveSpan('POST /chat', async (span) => {
        await agent.send('What does o-1 total?');
        span.end();
      });
      await otel.forceFlush();
    } finally {
      await otel.shutdown();
    }

    const { spans } = receiver;
    expect(receiver.contentTypes).toContain('/v1/traces application/json');
    const root = one(spans, 'POST /chat');
    const invoke = spans.find((span) => span.name.startsWith('invoke_agent '));
    expect(invoke?.parentSpanId).toBe(root.spanId);
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([root.traceId]));
    const chats = spans.filter((span) => span.name === 'chat gpt-4o');
    expect(chats).toHaveLength(2);
    for (const chat of chats) {
      expect(chat.parentSpanId).toBe(invoke?.spanId);
      expect(chat.kind).toBe(SpanKind.CLIENT + 1); // OTLP numbers kinds from 1 (INTERNAL)
      expect(chat.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.model': 'gpt-4o',
      });
      expect(chat.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    }
    expect(chats.map((chat) => chat.attributes['gen_ai.response.finish_reasons'])).toEqual([
      ['tool-calls'],
      ['stop'],
    ]);
    const tool = one(spans, 'execute_tool lookup_order');
    expect(tool.parentSpanId).toBe(invoke?.spanId);
    expect(tool.attributes).toMatchObject({ 'gen_ai.tool.name': 'lookup_order' });
    expect(activeInTool.at(-1)).toBe(tool.spanId);
    expect(invoke?.resource).toMatchObject({
      'service.name': 'otlp-test',
      'service.version': '1.2.3',
    });
    expect(invoke?.scope).toBe('@agentry/monitoring');
    expect(invoke?.schemaUrl).toMatch(/^https:\/\/opentelemetry\.io\/schemas\/gen-ai\//);
    expect(receiver.metricNames).toEqual(
      new Set(['gen_ai.client.token.usage', 'gen_ai.client.operation.duration']),
    );
  });
});
