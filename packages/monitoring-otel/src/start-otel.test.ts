import { readFileSync } from 'node:fs';
import { AgentryError } from '@agentry/core';
import { metrics, trace } from '@opentelemetry/api';
import { InMemoryMetricExporter, AggregationTemporality } from '@opentelemetry/sdk-metrics';
import { ExportResultCode } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startOtel, VERSION, type OtelSdk, type StartOtelOptions } from './index.js';

const packageJson = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as {
  version: string;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};

const started: OtelSdk[] = [];
afterEach(async () => {
  for (const otel of started.splice(0)) await otel.shutdown();
  trace.disable();
  metrics.disable();
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

const start = (options: StartOtelOptions) => {
  const otel = startOtel(options);
  started.push(otel);
  return otel;
};

const failure = (options: unknown): AgentryError => {
  try {
    start(options as StartOtelOptions);
  } catch (error) {
    if (AgentryError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('startOtel accepted the options');
};

describe('startOtel', () => {
  it('pins the Node 20 SDK line: 2.12 and 0.223, never 3.x', () => {
    expect(VERSION).toBe(packageJson.version);
    for (const [name, range] of Object.entries(packageJson.dependencies)) {
      expect(range, name).toMatch(/^\^(2\.12\.\d+|0\.223\.\d+)$/);
    }
    expect(packageJson.peerDependencies['@opentelemetry/api']).toBe('>=1.9.0 <1.10.0');
  });

  it('exports spans and metrics through the exporters given, under the service’s resource', async () => {
    const spans = new InMemorySpanExporter();
    const points = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const otel = start({
      serviceName: 'svc',
      resourceAttributes: { 'deployment.environment.name': 'test' },
      traceExporter: spans,
      metricExporter: points,
      registerGlobal: false,
    });
    otel.tracerProvider.getTracer('t').startSpan('work').end();
    otel.meterProvider.getMeter('m').createCounter('jobs').add(2);
    await otel.forceFlush();
    expect(spans.getFinishedSpans().map((span) => [span.name, span.resource.attributes])).toEqual([
      [
        'work',
        expect.objectContaining({ 'service.name': 'svc', 'deployment.environment.name': 'test' }),
      ],
    ]);
    expect(points.getMetrics()[0]?.scopeMetrics[0]?.metrics[0]?.descriptor.name).toBe('jobs');
  });

  it('registers the globals by default and removes them at shutdown', async () => {
    const exporter = new InMemorySpanExporter();
    const otel = start({ serviceName: 'svc', traceExporter: exporter });
    trace.getTracer('t').startSpan('through the global').end();
    await otel.forceFlush();
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['through the global']);
    await otel.shutdown();
    expect(trace.getTracer('t').startSpan('after').isRecording()).toBe(false);
    await expect(otel.shutdown()).resolves.toBeUndefined();
  });

  it('refuses to register over another global provider, and undoes what it did', () => {
    trace.setGlobalTracerProvider(new BasicTracerProvider());
    const error = failure({ serviceName: 'svc' });
    expect(error.code).toBe('validation_failed');
    expect(error.details).toMatchObject({ path: 'registerGlobal', provider: 'tracer' });
    expect(metrics.getMeterProvider().constructor.name).toBe('NoopMeterProvider');
  });

  it('refuses bad options, naming each', () => {
    const error = failure({
      serviceName: '',
      endpoint: 'ftp://collector',
      metricExportIntervalMs: 0,
      registerGlobl: true,
    });
    expect(error.details).toMatchObject({
      problems: [
        { path: 'registerGlobl', message: 'unknown option registerGlobl' },
        { path: 'serviceName', message: 'serviceName must be a non-empty string' },
        { path: 'endpoint', message: 'endpoint "ftp://collector" is not an http(s) URL' },
        {
          path: 'metricExportIntervalMs',
          message: 'metricExportIntervalMs must be a positive integer, got 0',
        },
      ],
    });
    expect(failure(undefined).message).toContain('the options must be an object');
  });

  it('refuses a retry buffer that is not false or { maxSpans: positive integer }', () => {
    expect(failure({ serviceName: 'svc', retryBuffer: { maxSpans: 0, size: 3 } }).details).toEqual({
      path: 'retryBuffer.size',
      problems: [
        { path: 'retryBuffer.size', message: 'unknown option retryBuffer.size' },
        {
          path: 'retryBuffer.maxSpans',
          message: 'retryBuffer.maxSpans must be a positive integer, got 0',
        },
      ],
    });
    expect(failure({ serviceName: 'svc', retryBuffer: true }).details).toMatchObject({
      path: 'retryBuffer',
    });
    expect(failure({ serviceName: 'svc', retryBuffer: { maxSpans: 1.5 } }).message).toContain(
      'retryBuffer.maxSpans must be a positive integer, got 1.5',
    );
  });

  it('gives an exporter passed in a retry buffer only when asked', async () => {
    const delivered = new InMemorySpanExporter();
    let refusals = 1;
    const flaky: SpanExporter = {
      export: (spans, done) => {
        if (refusals-- > 0) done({ code: ExportResultCode.FAILED, error: new Error('refused') });
        else delivered.export(spans, done);
      },
      shutdown: () => delivered.shutdown(),
    };
    const otel = start({
      serviceName: 'svc',
      traceExporter: flaky,
      retryBuffer: {},
      registerGlobal: false,
    });
    otel.tracerProvider.getTracer('t').startSpan('first').end();
    await expect(otel.forceFlush()).rejects.toMatchObject({
      code: 'network',
      details: { unsentSpans: 1 },
    });
    otel.tracerProvider.getTracer('t').startSpan('second').end();
    await otel.forceFlush();
    expect(delivered.getFinishedSpans().map((span) => span.name)).toEqual(['first', 'second']);

    refusals = 1;
    const plain = start({ serviceName: 'svc', traceExporter: flaky, registerGlobal: false });
    plain.tracerProvider.getTracer('t').startSpan('dropped').end();
    await expect(plain.forceFlush()).rejects.toMatchObject({ code: 'network' });
    expect(plain.unsentSpans).toBe(0);
  });

  it('does not let an exporter that never answers hold back later exports', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const delivered = new InMemorySpanExporter();
    let calls = 0;
    const hanging: SpanExporter = {
      export: (spans, done) => {
        calls += 1;
        if (calls > 1) delivered.export(spans, done); // the first call never answers
      },
      shutdown: () => delivered.shutdown(),
    };
    const otel = start({
      serviceName: 'svc',
      traceExporter: hanging,
      retryBuffer: {},
      registerGlobal: false,
    });
    otel.tracerProvider.getTracer('t').startSpan('first').end();
    let first: unknown;
    void otel.forceFlush().catch((error: unknown) => (first = error));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(first).toMatchObject({ code: 'network' });
    expect(otel.unsentSpans).toBe(1);

    // The in-memory exporter answers on a timer: real ones from here on.
    vi.useRealTimers();
    otel.tracerProvider.getTracer('t').startSpan('second').end();
    await otel.forceFlush();
    expect(delivered.getFinishedSpans().map((span) => span.name)).toEqual(['first', 'second']);
    expect(calls).toBe(2);
  });

  it('refuses a protocol option other than http/protobuf or http/json, with the other options', () => {
    const error = failure({ serviceName: 'svc', protocol: 'grpc', metricExportIntervalMs: -1 });
    expect(error.code).toBe('validation_failed');
    expect(error.details).toMatchObject({
      path: 'protocol',
      problems: [
        {
          path: 'protocol',
          message: 'protocol must be "http/protobuf" or "http/json", got "grpc"',
        },
        { path: 'metricExportIntervalMs' },
      ],
    });
  });

  it('refuses an OTEL_EXPORTER_OTLP_*PROTOCOL value it cannot send, naming the variable and value', () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_PROTOCOL', '');
    vi.stubEnv('OTEL_EXPORTER_OTLP_METRICS_PROTOCOL', '');
    vi.stubEnv('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'grpc');
    const error = failure({ serviceName: 'svc', registerGlobal: false });
    expect(error.code).toBe('config_invalid');
    expect(error.message).toContain('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL is "grpc"');
    expect(error.details).toMatchObject({
      path: 'env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
      value: 'grpc',
      allowed: ['http/protobuf', 'http/json'],
    });
    expect(error.suggestions.join(' ')).toContain('gRPC is not supported');

    vi.stubEnv('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', '');
    vi.stubEnv('OTEL_EXPORTER_OTLP_PROTOCOL', 'http/xml');
    const general = failure({ serviceName: 'svc', registerGlobal: false });
    expect(general.code).toBe('config_invalid');
    expect(general.details).toMatchObject({
      path: 'env.OTEL_EXPORTER_OTLP_PROTOCOL',
      value: 'http/xml',
    });
  });

  it('reads no protocol for a signal whose exporter is given, and defaults to http/protobuf', () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_PROTOCOL', '');
    vi.stubEnv('OTEL_EXPORTER_OTLP_METRICS_PROTOCOL', '');
    vi.stubEnv('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'grpc');
    const otel = start({
      serviceName: 'svc',
      traceExporter: new InMemorySpanExporter(),
      registerGlobal: false,
    });
    expect(otel.protocols).toEqual({ traces: undefined, metrics: 'http/protobuf' });
  });
});
