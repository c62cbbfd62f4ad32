import { AgentryError } from '@agentry/core';
import {
  context,
  metrics,
  propagation,
  trace,
  type MeterProvider as ApiMeterProvider,
  type TracerProvider as ApiTracerProvider,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtobufMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { resolveOtlpProtocol, type OtlpProtocol } from './otlp-protocol.js';
import { validateStartOtelOptions } from './validate-start-otel-options.js';

export type { OtlpProtocol } from './otlp-protocol.js';

/**
 * Options of {@link startOtel}.
 *
 * @example
 * ```ts
 * import type { StartOtelOptions } from '@agentry/monitoring-otel';
 *
 * const options: StartOtelOptions = { serviceName: 'support-bot', endpoint: 'http://collector:4318' };
 * console.log(options.serviceName);
 * ```
 */
export interface StartOtelOptions {
  /** `service.name` of the resource. */
  readonly serviceName: string;
  /** `service.version` of the resource. */
  readonly serviceVersion?: string;
  /**
   * The OTLP/HTTP base URL; traces go to `{endpoint}/v1/traces`, metrics to `{endpoint}/v1/metrics`.
   * Default `http://localhost:4318`.
   */
  readonly endpoint?: string;
  /**
   * The OTLP/HTTP encoding: `http/protobuf` (binary protobuf, `application/x-protobuf`) or
   * `http/json` (OTLP/JSON, `application/json`). When not given, the standard environment
   * variables decide, per signal: `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` /
   * `OTEL_EXPORTER_OTLP_METRICS_PROTOCOL`, then `OTEL_EXPORTER_OTLP_PROTOCOL`; when none is set,
   * `http/protobuf`, the OTLP specification's default. `grpc` is not supported.
   */
  readonly protocol?: OtlpProtocol;
  /** Headers sent with every export, such as a backend's API key. */
  readonly headers?: Readonly<Record<string, string>>;
  /** More resource attributes (`deployment.environment.name` …). */
  readonly resourceAttributes?: Readonly<Record<string, string | number | boolean>>;
  /** How often metrics are exported, in milliseconds (default 60 000). */
  readonly metricExportIntervalMs?: number;
  /** A span exporter to use instead of OTLP/HTTP (a console or no-op one, say). */
  readonly traceExporter?: SpanExporter;
  /** A metric exporter to use instead of OTLP/HTTP. */
  readonly metricExporter?: PushMetricExporter;
  /**
   * Register the providers and the W3C propagators as `@opentelemetry/api`'s globals (default
   * `true`), so instrumentation that uses the globals, `installTracing` among it, finds them.
   */
  readonly registerGlobal?: boolean;
}

/**
 * What {@link startOtel} started.
 *
 * @example
 * ```ts
 * import { startOtel, type OtelSdk } from '@agentry/monitoring-otel';
 *
 * const otel: OtelSdk = startOtel({ serviceName: 'support-bot' });
 * await otel.shutdown();
 * ```
 */
export interface OtelSdk {
  /** The tracer provider, to pass to `installTracing` or other instrumentation. */
  readonly tracerProvider: ApiTracerProvider;
  /** The meter provider. */
  readonly meterProvider: ApiMeterProvider;
  /** The OTLP/HTTP encoding of each signal exported over OTLP (`undefined` for an exporter given). */
  readonly protocols: {
    readonly traces: OtlpProtocol | undefined;
    readonly metrics: OtlpProtocol | undefined;
  };
  /**
   * Exports everything buffered now. Rejects with an `AgentryError` `network` (the exporter's error
   * as `cause`) when an export still fails after the exporter's retries; the data of that export
   * is dropped.
   */
  forceFlush(): Promise<void>;
  /**
   * Exports what is buffered, stops both providers and removes the globals this call registered,
   * even when the last export fails; it then rejects as {@link OtelSdk.forceFlush} does. Calling it
   * again returns the same promise.
   */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry JS SDK for an Agentry application on Node 20 or later: a tracer
 * provider with a batch span processor (up to 2048 spans buffered; past that, new spans are
 * dropped and counted by the SDK) and a meter provider with a periodic reader, both exporting over
 * OTLP/HTTP, as protobuf by default or as JSON (see {@link StartOtelOptions.protocol}); a resource
 * with `service.name`; an `AsyncLocalStorage` context manager when
 * none is registered yet (without one, spans cannot find their parents across `await`); and, by
 * default, the providers and W3C trace-context and baggage propagators as the global ones.
 *
 * It pins the SDK 2.12 line, the last to run on Node 20; see the package README for SDK 3.
 *
 * An export that cannot reach the endpoint (connection refused or reset, a timeout, HTTP 429, 502,
 * 503 or 504) is retried by the exporter with exponential backoff (from 1 s, up to 5 retries, within
 * its 10 s export timeout, honouring `Retry-After`); when it still fails, that batch is dropped and
 * the failure is reported: scheduled exports through OpenTelemetry's `diag` logger and error
 * handler, {@link OtelSdk.forceFlush} and {@link OtelSdk.shutdown} by rejecting. Nothing throws into
 * the application's code paths.
 *
 * @throws AgentryError `validation_failed` when an option is missing, unknown or invalid (the
 *   option is named in `details.path`), or when `registerGlobal` is on and another tracer or meter
 *   provider is already registered globally
 * @throws AgentryError `config_invalid` when `protocol` is not given and an
 *   `OTEL_EXPORTER_OTLP_*PROTOCOL` environment variable holds a value other than `http/protobuf` or
 *   `http/json` (the variable and its value are named)
 * @example
 * ```ts
 * import { createAgentry, definePlugin, loadConfiguration } from '@agentry/core';
 * import { installTracing } from '@agentry/monitoring/otel';
 * import { startOtel } from '@agentry/monitoring-otel';
 *
 * const otel = startOtel({ serviceName: 'support-bot', endpoint: 'http://localhost:4318' });
 * const agentry = await createAgentry({
 *   config: await loadConfiguration('agentry.config.json'),
 *   plugins: [
 *     definePlugin({
 *       name: 'app-tracing',
 *       version: '1.0.0',
 *       setup: (host) =>
 *         void installTracing(host, { tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider }),
 *     }),
 *   ],
 * });
 * await agentry.shutdown();
 * await otel.shutdown();
 * ```
 */
export function startOtel(options: StartOtelOptions): OtelSdk {
  validateStartOtelOptions(options);
  const endpoint = (options.endpoint ?? 'http://localhost:4318').replace(/\/+$/, '');
  const headers = { ...options.headers };
  const resource = resourceFromAttributes({
    ...options.resourceAttributes,
    'service.name': options.serviceName,
    ...(options.serviceVersion !== undefined ? { 'service.version': options.serviceVersion } : {}),
  });
  const protocols = {
    traces:
      options.traceExporter === undefined
        ? resolveOtlpProtocol('traces', options.protocol)
        : undefined,
    metrics:
      options.metricExporter === undefined
        ? resolveOtlpProtocol('metrics', options.protocol)
        : undefined,
  };
  const traceExporter =
    options.traceExporter ??
    (protocols.traces === 'http/json'
      ? new JsonTraceExporter({ url: `${endpoint}/v1/traces`, headers })
      : new ProtobufTraceExporter({ url: `${endpoint}/v1/traces`, headers }));
  const tracerProvider = new BasicTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(traceExporter)],
  });
  const metricExporter =
    options.metricExporter ??
    (protocols.metrics === 'http/json'
      ? new JsonMetricExporter({ url: `${endpoint}/v1/metrics`, headers })
      : new ProtobufMetricExporter({ url: `${endpoint}/v1/metrics`, headers }));
  const meterProvider = new MeterProvider({
    resource,
    readers: [
      new PeriodicExportingMetricReader({
        exporter: metricExporter,
        exportIntervalMillis: options.metricExportIntervalMs ?? 60_000,
      }),
    ],
  });

  const undo: (() => void)[] = [];
  if (context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())) {
    undo.push(() => context.disable());
  }
  if (options.registerGlobal ?? true) registerGlobals(tracerProvider, meterProvider, undo);

  const target = { endpoint: redactUrl(endpoint), protocols };
  let stopped: Promise<void> | undefined;
  return {
    tracerProvider,
    meterProvider,
    protocols,
    forceFlush: () =>
      settle([tracerProvider.forceFlush(), meterProvider.forceFlush()], 'export', target),
    shutdown: () =>
      (stopped ??= settle(
        [tracerProvider.shutdown(), meterProvider.shutdown()],
        'export at shutdown',
        target,
      ).finally(() => {
        for (const step of undo.reverse()) step();
      })),
  };
}

/** Waits for every step; rejects with one `network` error naming the first failure. */
async function settle(
  steps: Promise<void>[],
  what: string,
  target: { endpoint: string; protocols: OtelSdk['protocols'] },
): Promise<void> {
  const results = await Promise.allSettled(steps);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure === undefined) return;
  const cause: unknown = failure.reason;
  if (AgentryError.isInstance(cause)) throw cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  throw new AgentryError({
    code: 'network',
    message: `startOtel could not ${what} the buffered telemetry ${destination(target)}: ${reason}. The data of that export is dropped.`,
    details: { endpoint: target.endpoint, protocols: target.protocols },
    suggestions: [
      'Check that an OTLP/HTTP receiver (an OpenTelemetry Collector, say) listens at the endpoint.',
      'Check that the receiver accepts the protocol in use (set protocol or OTEL_EXPORTER_OTLP_PROTOCOL).',
    ],
    cause,
  });
}

function destination(target: { endpoint: string; protocols: OtelSdk['protocols'] }): string {
  const { traces, metrics } = target.protocols;
  if (traces === undefined && metrics === undefined) return 'through the exporters given';
  return `to ${target.endpoint} (traces: ${traces ?? 'exporter given'}, metrics: ${metrics ?? 'exporter given'})`;
}

/** The URL without user name or password, for messages. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/+$/, '');
  } catch {
    return url;
  }
}

function registerGlobals(
  tracerProvider: BasicTracerProvider,
  meterProvider: MeterProvider,
  undo: (() => void)[],
): void {
  if (!trace.setGlobalTracerProvider(tracerProvider)) throw alreadyRegistered('tracer');
  undo.push(() => trace.disable());
  if (!metrics.setGlobalMeterProvider(meterProvider)) {
    for (const step of undo.reverse()) step();
    throw alreadyRegistered('meter');
  }
  undo.push(() => metrics.disable());
  propagation.setGlobalPropagator(
    new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  );
  undo.push(() => propagation.disable());
}

function alreadyRegistered(kind: 'tracer' | 'meter'): AgentryError {
  return new AgentryError({
    code: 'validation_failed',
    message: `startOtel could not register its ${kind} provider globally: another one is registered already (a second SDK set-up in this process).`,
    details: { path: 'registerGlobal', provider: kind },
    suggestions: [
      'Start the SDK once per process, or pass registerGlobal: false and hand the providers to installTracing.',
    ],
  });
}
