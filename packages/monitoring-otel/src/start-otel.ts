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
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
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
import { validateStartOtelOptions } from './validate-start-otel-options.js';

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
   * The OTLP/HTTP base URL; traces go to `{endpoint}/v1/traces`, metrics to `{endpoint}/v1/metrics`
   * (OTLP/JSON). Default `http://localhost:4318`.
   */
  readonly endpoint?: string;
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
  /** Exports everything buffered now. */
  forceFlush(): Promise<void>;
  /**
   * Exports what is buffered, stops both providers and removes the globals this call registered.
   * Calling it again returns the same promise.
   */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry JS SDK for an Agentry application on Node 20 or later: a tracer
 * provider with a batch span processor (up to 2048 spans buffered; past that, new spans are
 * dropped and counted by the SDK) and a meter provider with a periodic reader, both exporting
 * OTLP/JSON over HTTP; a resource with `service.name`; an `AsyncLocalStorage` context manager when
 * none is registered yet (without one, spans cannot find their parents across `await`); and, by
 * default, the providers and W3C trace-context and baggage propagators as the global ones.
 *
 * It pins the SDK 2.12 line, the last to run on Node 20; see the package README for SDK 3.
 *
 * @throws AgentryError `validation_failed` when an option is missing, unknown or invalid (the
 *   option is named in `details.path`), or when `registerGlobal` is on and another tracer or meter
 *   provider is already registered globally
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
  const traceExporter =
    options.traceExporter ?? new OTLPTraceExporter({ url: `${endpoint}/v1/traces`, headers });
  const tracerProvider = new BasicTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(traceExporter)],
  });
  const metricExporter =
    options.metricExporter ?? new OTLPMetricExporter({ url: `${endpoint}/v1/metrics`, headers });
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

  let stopped: Promise<void> | undefined;
  return {
    tracerProvider,
    meterProvider,
    forceFlush: async () => {
      await Promise.all([tracerProvider.forceFlush(), meterProvider.forceFlush()]);
    },
    shutdown: () =>
      (stopped ??= Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]).then(() => {
        for (const step of undo.reverse()) step();
      })),
  };
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
