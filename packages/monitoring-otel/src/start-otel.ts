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
import { defaultRetryBufferSpans, RetryingSpanExporter } from './retrying-span-exporter.js';
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
  /**
   * A span exporter to use instead of OTLP/HTTP (a console or no-op one, say). It gets no retry
   * buffer unless {@link StartOtelOptions.retryBuffer} is given.
   */
  readonly traceExporter?: SpanExporter;
  /**
   * Keep the spans of an export that failed after the exporter's own retries, and send them again,
   * oldest first, with the next export. `maxSpans` (default 8192) bounds what is kept: past it the
   * oldest spans are dropped, counted in {@link OtelSdk.droppedSpans} and reported once per outage
   * through OpenTelemetry's `diag` logger. `false` turns the buffer off (a failed batch is then
   * dropped). On by default for the OTLP/HTTP exporter; a `traceExporter` given gets one only
   * when this option is given.
   */
  readonly retryBuffer?: RetryBufferOptions | false;
  /** A metric exporter to use instead of OTLP/HTTP. */
  readonly metricExporter?: PushMetricExporter;
  /**
   * Register the providers and the W3C propagators as `@opentelemetry/api`'s globals (default
   * `true`), so instrumentation that uses the globals, `installTracing` among it, finds them.
   */
  readonly registerGlobal?: boolean;
}

/**
 * The bound of {@link StartOtelOptions.retryBuffer}.
 *
 * @example
 * ```ts
 * import { startOtel, type RetryBufferOptions } from '@agentry/monitoring-otel';
 *
 * const retryBuffer: RetryBufferOptions = { maxSpans: 20_000 };
 * const otel = startOtel({ serviceName: 'support-bot', retryBuffer });
 * await otel.shutdown();
 * ```
 */
export interface RetryBufferOptions {
  /** The most spans kept for another attempt, a positive integer (default 8192). */
  readonly maxSpans?: number;
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
    /** The encoding spans are exported in (`undefined` with a `traceExporter` given). */
    readonly traces: OtlpProtocol | undefined;
    /** The encoding metrics are exported in (`undefined` with a `metricExporter` given). */
    readonly metrics: OtlpProtocol | undefined;
  };
  /**
   * Spans whose export failed and that wait in the retry buffer to be sent again (0 without a
   * retry buffer).
   */
  readonly unsentSpans: number;
  /**
   * Spans the retry buffer gave up on since start: dropped because it was full (the oldest go
   * first) or refused by the receiver with a status OTLP does not retry (400, 401, 413 …). Spans
   * the batch processor drops when its own queue of 2048 is full are not counted here.
   */
  readonly droppedSpans: number;
  /**
   * Exports everything buffered now, the retry buffer first. Rejects with an `AgentryError`
   * `network` (the exporter's error as `cause`, `details.unsentSpans` the spans kept) when an export
   * still fails after the exporter's retries; the spans stay in the retry buffer (without one,
   * they are dropped), and metrics, being cumulative, are carried by the next export.
   */
  forceFlush(): Promise<void>;
  /**
   * Exports what is buffered, the retry buffer included, stops both providers and removes the
   * globals this call registered, even when the last export fails; it then rejects with an
   * `AgentryError` `network` whose message and `details.unsentSpans` give the spans left unsent.
   * Calling it again returns the same promise.
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
 * its 10 s export timeout, honouring `Retry-After`); when it still fails, its spans are kept in a
 * bounded retry buffer (8192 spans by default, see {@link StartOtelOptions.retryBuffer}) and sent
 * again, oldest first, with the next export; past the bound the oldest are dropped and counted in
 * {@link OtelSdk.droppedSpans}. Failures are reported: scheduled exports through OpenTelemetry's
 * `diag` logger and error handler, {@link OtelSdk.forceFlush} and {@link OtelSdk.shutdown} by
 * rejecting (with the spans left unsent). Nothing throws into the application's code paths.
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
  const spanExporter =
    options.traceExporter ??
    (protocols.traces === 'http/json'
      ? new JsonTraceExporter({ url: `${endpoint}/v1/traces`, headers })
      : new ProtobufTraceExporter({ url: `${endpoint}/v1/traces`, headers }));
  const retryBuffer = options.retryBuffer ?? (options.traceExporter === undefined ? {} : false);
  const retrying =
    retryBuffer === false
      ? undefined
      : new RetryingSpanExporter(spanExporter, retryBuffer.maxSpans ?? defaultRetryBufferSpans);
  const traceExporter = retrying ?? spanExporter;
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

  const target: Target = { endpoint: redactUrl(endpoint), protocols, retrying };
  let stopped: Promise<void> | undefined;
  return {
    tracerProvider,
    meterProvider,
    protocols,
    get unsentSpans() {
      return retrying?.unsentSpans ?? 0;
    },
    get droppedSpans() {
      return retrying?.droppedSpans ?? 0;
    },
    // The batch processor neither flushes its exporter nor, when its last export fails, shuts it
    // down: the retry buffer is drained after it, or closed without another attempt.
    forceFlush: () =>
      settle(
        [
          tracerProvider.forceFlush().then(() => retrying?.forceFlush()),
          meterProvider.forceFlush(),
        ],
        'flush',
        target,
      ),
    shutdown: () =>
      (stopped ??= settle(
        [
          tracerProvider.shutdown().catch(async (error: unknown) => {
            await retrying?.close().catch(() => undefined);
            throw error;
          }),
          meterProvider.shutdown(),
        ],
        'shutdown',
        target,
      ).finally(() => {
        for (const step of undo.reverse()) step();
      })),
  };
}

interface Target {
  readonly endpoint: string;
  readonly protocols: OtelSdk['protocols'];
  readonly retrying: RetryingSpanExporter | undefined;
}

/** Waits for every step; rejects with one `network` error naming the first failure. */
async function settle(
  steps: Promise<unknown>[],
  when: 'flush' | 'shutdown',
  target: Target,
): Promise<void> {
  const results = await Promise.allSettled(steps);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure === undefined) return;
  const cause: unknown = failure.reason;
  if (AgentryError.isInstance(cause)) throw cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  const what = when === 'flush' ? 'export' : 'export at shutdown';
  const { retrying } = target;
  throw new AgentryError({
    code: 'network',
    message: `startOtel could not ${what} the buffered telemetry ${destination(target)}: ${reason}. ${consequence(when, retrying)}`,
    details: {
      endpoint: target.endpoint,
      protocols: target.protocols,
      ...(retrying === undefined
        ? {}
        : { unsentSpans: retrying.unsentSpans, droppedSpans: retrying.droppedSpans }),
    },
    suggestions: [
      'Check that an OTLP/HTTP receiver (an OpenTelemetry Collector, say) listens at the endpoint.',
      'Check that the receiver accepts the protocol in use (set protocol or OTEL_EXPORTER_OTLP_PROTOCOL).',
    ],
    cause,
  });
}

/** What became of the data, for the message. */
function consequence(
  when: 'flush' | 'shutdown',
  retrying: RetryingSpanExporter | undefined,
): string {
  if (retrying === undefined) return 'The data of that export is dropped.';
  const dropped =
    retrying.droppedSpans === 0
      ? ''
      : ` ${retrying.droppedSpans} spans were given up on so far (the retry buffer was full, or the receiver refused them).`;
  if (when === 'shutdown') {
    return `${retrying.unsentSpans} spans were left unsent and are lost.${dropped}`;
  }
  return `${retrying.unsentSpans} spans are kept (at most ${retrying.maxSpans}) and sent again with the next export; metrics are cumulative, so the next export carries their totals.${dropped}`;
}

function destination(target: Target): string {
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
