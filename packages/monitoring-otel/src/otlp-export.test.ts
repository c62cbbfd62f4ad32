import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { AgentryError } from '@agentry/core';
import { diag, DiagLogLevel, SpanKind, trace, type DiagLogger } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from './__fixtures__/otlp-receiver.js';
import { activeInTool, createTracedInstance, lookupOrder } from './__fixtures__/traced-instance.js';
import { startOtel, type StartOtelOptions } from './start-otel.js';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
  diag.disable();
});

/** The protocol variables cleared, so the machine's environment cannot pick the encoding. */
function clearProtocolEnv(): void {
  for (const name of [
    'OTEL_EXPORTER_OTLP_PROTOCOL',
    'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
    'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL',
  ]) {
    vi.stubEnv(name, '');
  }
}

const one = (spans: ReceivedSpan[], name: string): ReceivedSpan => {
  const found = spans.filter((span) => span.name === name);
  if (found.length !== 1)
    throw new Error(`Expected one span ${name}, got ${spans.map((span) => span.name).join(', ')}`);
  return found[0] as ReceivedSpan;
};

/** Runs one agent turn (a tool call, then an answer) under a caller's span and flushes. */
async function runTurn(receiver: OtlpReceiver, options: Partial<StartOtelOptions> = {}) {
  const otel = startOtel({
    serviceName: 'otlp-test',
    serviceVersion: '1.2.3',
    endpoint: receiver.url,
    registerGlobal: false,
    ...options,
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
  return otel;
}

/** The span tree, names and GenAI attributes one turn must deliver, whatever the encoding. */
function expectAgentTree(spans: ReceivedSpan[]): void {
  const root = one(spans, 'POST /chat');
  expect(root.parentSpanId).toBeUndefined();
  expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
  const invoke = spans.find((span) => span.name.startsWith('invoke_agent '));
  expect(invoke?.parentSpanId).toBe(root.spanId);
  expect(invoke?.attributes).toMatchObject({ 'gen_ai.operation.name': 'invoke_agent' });
  expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([root.traceId]));
  expect(new Set(spans.map((span) => span.spanId)).size).toBe(spans.length);
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
    expect(chat.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    expect(chat.attributes).not.toHaveProperty('gen_ai.system');
  }
  expect(chats.map((chat) => chat.attributes['gen_ai.response.finish_reasons'])).toEqual([
    ['tool-calls'],
    ['stop'],
  ]);
  const tool = one(spans, 'execute_tool lookup_order');
  expect(tool.parentSpanId).toBe(invoke?.spanId);
  expect(tool.attributes).toMatchObject({
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': 'lookup_order',
  });
  expect(activeInTool.at(-1)).toBe(tool.spanId);
  expect(invoke?.resource).toMatchObject({
    'service.name': 'otlp-test',
    'service.version': '1.2.3',
  });
  expect(invoke?.scope).toBe('@agentry/monitoring');
  expect(invoke?.schemaUrl).toMatch(/^https:\/\/opentelemetry\.io\/schemas\/gen-ai\//);
}

/** The two GenAI client histograms, with points for the model and both token types. */
function expectGenAiMetrics(receiver: OtlpReceiver): void {
  expect(receiver.metricNames).toEqual(
    new Set(['gen_ai.client.token.usage', 'gen_ai.client.operation.duration']),
  );
  // Cumulative temporality: the last export holds the totals.
  const last = (name: string) => receiver.metrics.filter((metric) => metric.name === name).at(-1);
  const usage = last('gen_ai.client.token.usage');
  expect(usage).toMatchObject({ type: 'histogram', unit: '{token}', scope: '@agentry/monitoring' });
  expect(usage?.resource).toMatchObject({ 'service.name': 'otlp-test' });
  const byType = new Map(
    usage?.points.map((point) => [point.attributes['gen_ai.token.type'], point]),
  );
  expect([...byType.keys()].sort()).toEqual(['input', 'output']);
  for (const point of byType.values()) {
    expect(point.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
    });
    expect(point.count).toBe(2); // two model calls in the turn
    expect(point.sum).toBeGreaterThan(0);
  }
  const duration = last('gen_ai.client.operation.duration');
  expect(duration).toMatchObject({ type: 'histogram', unit: 's' });
  expect(duration?.points.map((point) => point.count)).toEqual([2]);
}

describe('startOtel exporting to an OTLP/HTTP receiver', () => {
  it('sends http/protobuf by default: the span tree under the caller’s span, and the GenAI metrics', async () => {
    clearProtocolEnv();
    const receiver = await startOtlpReceiver();
    const otel = await runTurn(receiver);

    expect(otel.protocols).toEqual({ traces: 'http/protobuf', metrics: 'http/protobuf' });
    expect(new Set(receiver.requests.map((request) => request.contentType))).toEqual(
      new Set(['application/x-protobuf']),
    );
    expect(new Set(receiver.requests.map((request) => request.path))).toEqual(
      new Set(['/v1/traces', '/v1/metrics']),
    );
    expectAgentTree(receiver.spans);
    expectGenAiMetrics(receiver);
  });

  it('sends OTLP/JSON with protocol http/json, and the receiver reads the same tree', async () => {
    clearProtocolEnv();
    const receiver = await startOtlpReceiver();
    const otel = await runTurn(receiver, { protocol: 'http/json' });

    expect(otel.protocols).toEqual({ traces: 'http/json', metrics: 'http/json' });
    expect(new Set(receiver.requests.map((request) => request.contentType))).toEqual(
      new Set(['application/json']),
    );
    expectAgentTree(receiver.spans);
    expectGenAiMetrics(receiver);
  });

  it('takes the protocol of each signal from the OTEL_EXPORTER_OTLP_*PROTOCOL variables', async () => {
    clearProtocolEnv();
    vi.stubEnv('OTEL_EXPORTER_OTLP_PROTOCOL', 'http/json');
    vi.stubEnv('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', ' HTTP/Protobuf ');
    const receiver = await startOtlpReceiver();
    const otel = await runTurn(receiver);

    expect(otel.protocols).toEqual({ traces: 'http/protobuf', metrics: 'http/json' });
    const types = new Set(
      receiver.requests.map((request) => `${request.path} ${request.contentType}`),
    );
    expect(types).toEqual(
      new Set(['/v1/traces application/x-protobuf', '/v1/metrics application/json']),
    );
    expectAgentTree(receiver.spans);
  });

  it('lets the protocol option win over the environment', async () => {
    clearProtocolEnv();
    vi.stubEnv('OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc');
    const receiver = await startOtlpReceiver();
    const otel = await runTurn(receiver, { protocol: 'http/protobuf' });
    expect(otel.protocols).toEqual({ traces: 'http/protobuf', metrics: 'http/protobuf' });
    expectAgentTree(receiver.spans);
  });

  it('retries a receiver that answers 503 and delivers everything once it recovers', async () => {
    clearProtocolEnv();
    const receiver = await startOtlpReceiver({ unavailableFirst: 2 });
    await runTurn(receiver);

    const traces = receiver.requests.filter((request) => request.path === '/v1/traces');
    expect(traces.map((request) => request.status).slice(0, 3)).toEqual([503, 503, 200]);
    expectAgentTree(receiver.spans);
    expectGenAiMetrics(receiver);
  });

  it('retries an unreachable endpoint with backoff, then rejects forceFlush and shutdown without crashing', async () => {
    clearProtocolEnv();
    const port = await refusedPort();
    const logged = captureDiag();
    // Fake only the timers the exporter's backoff and deadline use; sockets stay real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const otel = startOtel({ serviceName: 'otlp-test', endpoint: `http://127.0.0.1:${port}` });
    trace.getTracer('app').startSpan('lost').end();

    const flushed = await settle(otel.forceFlush());
    expect(AgentryError.isInstance(flushed)).toBe(true);
    expect(flushed).toMatchObject({
      code: 'network',
      details: {
        endpoint: `http://127.0.0.1:${port}`,
        protocols: { traces: 'http/protobuf', metrics: 'http/protobuf' },
      },
    });
    expect((flushed as AgentryError).message).toContain('ECONNREFUSED');
    expect((flushed as AgentryError).message).toContain('1 spans are kept (at most 8192)');
    expect(flushed).toMatchObject({ details: { unsentSpans: 1, droppedSpans: 0 } });
    expect(otel.unsentSpans).toBe(1);
    const retries = logged.filter((line) => line.startsWith('Scheduling export retry in'));
    expect(retries.length).toBeGreaterThanOrEqual(2);

    // A span buffered at shutdown fails the same way; the globals are removed all the same.
    trace.getTracer('app').startSpan('lost at shutdown').end();
    const stopped = await settle(otel.shutdown());
    expect(stopped).toMatchObject({ code: 'network' });
    expect((stopped as AgentryError).message).toContain('could not export at shutdown');
    // Both spans, the one kept since the flush and the new one, are reported unsent.
    expect((stopped as AgentryError).message).toContain('2 spans were left unsent');
    expect(stopped).toMatchObject({ details: { unsentSpans: 2, droppedSpans: 0 } });
    expect(trace.getTracer('app').startSpan('after').isRecording()).toBe(false);
  });

  it('keeps the spans while no receiver listens and delivers each once when one starts there', async () => {
    clearProtocolEnv();
    const port = await refusedPort();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const otel = startOtel({
      serviceName: 'otlp-test',
      endpoint: `http://127.0.0.1:${port}`,
      registerGlobal: false,
    });
    const tracer = otel.tracerProvider.getTracer('app');
    const ended = (name: string) => {
      const span = tracer.startSpan(name);
      span.end();
      return span.spanContext().spanId;
    };
    const early = [ended('before the receiver 1'), ended('before the receiver 2')];
    expect(await settle(otel.forceFlush())).toMatchObject({
      code: 'network',
      details: { unsentSpans: 2 },
    });

    const receiver = await startOtlpReceiver({ port });
    const late = ended('with the receiver');
    expect(await settle(otel.forceFlush())).toBeUndefined();
    expect(receiver.spans.map((span) => span.spanId)).toEqual([...early, late]);
    expect(otel.unsentSpans).toBe(0);
    vi.useRealTimers();
    await otel.shutdown();
  });

  it('reports a scheduled export that fails for good through diag, and the application goes on', async () => {
    clearProtocolEnv();
    const port = await refusedPort();
    const logged = captureDiag();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const otel = startOtel({
      serviceName: 'otlp-test',
      endpoint: `http://127.0.0.1:${port}`,
      registerGlobal: false,
    });
    otel.tracerProvider.getTracer('app').startSpan('scheduled').end();

    // The batch processor exports after 5 s on its own; nobody awaits that export.
    const failed = () => logged.some((line) => line.includes('ECONNREFUSED'));
    for (let step = 0; step < 1000 && !failed(); step += 1) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(failed()).toBe(true);
    expect(logged.some((line) => line.startsWith('Scheduling export retry in'))).toBe(true);
    // The provider still works: a later span is recorded.
    expect(otel.tracerProvider.getTracer('app').startSpan('later').isRecording()).toBe(true);
    // The failed span is kept for the next export; at shutdown, with the endpoint still down, it
    // is reported as unsent.
    expect(otel.unsentSpans).toBe(1);
    expect(logged.some((line) => line.includes('1 spans are kept (at most 8192)'))).toBe(true);
    const stopped = await settle(otel.shutdown());
    expect(stopped).toMatchObject({ code: 'network', details: { unsentSpans: 1 } });
  });
});

/** A port that was just free: connections to it are refused. */
function refusedPort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Routes OpenTelemetry's diag logger into an array, from `verbose` up. */
function captureDiag(): string[] {
  const logged: string[] = [];
  const record = (message: string, ...args: unknown[]) =>
    void logged.push([message, ...args.map(String)].join(' '));
  const logger: DiagLogger = {
    error: record,
    warn: record,
    info: record,
    debug: () => undefined,
    verbose: record,
  };
  diag.setLogger(logger, { logLevel: DiagLogLevel.VERBOSE, suppressOverrideMessage: true });
  return logged;
}

/** Drives fake timers and real sockets until the promise settles; returns its error, if any. */
async function settle(promise: Promise<void>): Promise<unknown> {
  let outcome: { error: unknown } | undefined;
  void promise.then(
    () => (outcome = { error: undefined }),
    (error: unknown) => (outcome = { error }),
  );
  while (outcome === undefined) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    await vi.advanceTimersByTimeAsync(100);
  }
  return outcome.error;
}
