import { AgentryError, services, type ContextPropagator, type PluginHost } from '@agentry/core';
import { metrics, trace, type MeterProvider, type TracerProvider } from '@opentelemetry/api';
import { genAiSchemaUrl } from '../semconv/gen-ai.js';
import { VERSION } from '../version.js';
import { createChatSpanMiddleware } from './chat-span-middleware.js';
import { createGenAiMetrics, metricSetOf } from './gen-ai-metrics.js';
import { createGuardrailEvents } from './guardrail-events.js';
import { createOtelContextPropagator } from './otel-context-propagator.js';
import { createRunSpans } from './run-spans.js';
import { createToolSpanMiddleware } from './tool-span-middleware.js';

/**
 * Options of {@link installTracing}.
 *
 * @example
 * ```ts
 * import type { InstallTracingOptions } from '@agentry/monitoring/otel';
 *
 * const options: InstallTracingOptions = { captureContent: false };
 * console.log(options.captureContent);
 * ```
 */
export interface InstallTracingOptions {
  /** Where spans go; the global one of `@opentelemetry/api` (resolved per span) when not given. */
  readonly tracerProvider?: TracerProvider;
  /** Where metrics go; the global one of `@opentelemetry/api` at install time when not given. */
  readonly meterProvider?: MeterProvider;
  /**
   * Record message content, tool arguments and results and session ids on spans (default `false`).
   * Each value passes through the instance's masker (`services.masker`) when one is installed, and
   * secret-named fields (`apiKey`, `authorization` …) are always masked.
   */
  readonly captureContent?: boolean;
  /**
   * The environment read once, now: `OTEL_SEMCONV_STABILITY_OPT_IN` containing
   * `gen_ai_latest_experimental` switches to the newer `gen_ai.client.inference.*` metrics.
   * Defaults to `process.env`.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * What {@link installTracing} set up.
 *
 * @example
 * ```ts
 * import type { TracingInstallation } from '@agentry/monitoring/otel';
 *
 * declare const installation: TracingInstallation;
 * console.log(installation.metricSet);
 * ```
 */
export interface TracingInstallation {
  /** The metric names in use: the conventions' current ones, or the `latest` experimental set. */
  readonly metricSet: 'default' | 'latest';
  /** The context propagator provided to the instance (`services.contextPropagator`) for workflows. */
  readonly propagator: ContextPropagator;
}

const optionKeys = new Set(['tracerProvider', 'meterProvider', 'captureContent', 'env']);

/**
 * Traces and measures every agent and workflow run of an Agentry instance with OpenTelemetry,
 * following the GenAI semantic conventions (see `genAiSemconvVersion`): an `invoke_agent {agent}`
 * span per run, parented under the caller's active span; a `chat {model}` CLIENT span per model
 * call attempt (retries and fallbacks each have theirs) ending when the response stream ends; an
 * `execute_tool {name}` span per tool call, active while the tool runs; a span per workflow run and
 * step; a `gen_ai.guardrail.result` event for each access decision a plug-in such as
 * `@agentry/security` emits (on the run's `invoke_agent` span when the decision names its run, else
 * on the active span), with the engine's outcome as given and never one inferred. Records
 * `gen_ai.client.token.usage` and `gen_ai.client.operation.duration` (or the
 * `gen_ai.client.inference.*` set when opted in). Provides the context propagator workflows use to
 * carry traces across steps and resumes. Only `@opentelemetry/api` is used: bring an SDK (or
 * `@agentry/monitoring-otel`) and pass its providers, or register them globally.
 *
 * Call it from a plug-in's `setup`. Message content stays off unless `captureContent` is set.
 *
 * @throws AgentryError `validation_failed` when an option is unknown or of the wrong type (the
 *   option is named in `details.path`)
 * @throws AgentryError `plugin_duplicate` when another plug-in already provides
 *   `services.contextPropagator`
 * @example
 * ```ts
 * import { createAgentry, definePlugin, loadConfiguration } from '@agentry/core';
 * import { installTracing } from '@agentry/monitoring/otel';
 * import { trace } from '@opentelemetry/api';
 *
 * const config = await loadConfiguration('agentry.config.json');
 * const tracing = definePlugin({
 *   name: 'app-tracing',
 *   version: '1.0.0',
 *   setup: (host) => void installTracing(host, { tracerProvider: trace.getTracerProvider() }),
 * });
 * const agentry = await createAgentry({ config, plugins: [tracing] });
 * await agentry.shutdown();
 * ```
 */
export function installTracing(
  host: PluginHost,
  options: InstallTracingOptions = {},
): TracingInstallation {
  validate(options);
  const metricSet = metricSetOf((options.env ?? process.env)['OTEL_SEMCONV_STABILITY_OPT_IN']);
  const captureContent = options.captureContent ?? false;
  const scope = ['@agentry/monitoring', VERSION, { schemaUrl: genAiSchemaUrl }] as const;
  const tracer = (options.tracerProvider ?? trace).getTracer(...scope);
  const meter = (options.meterProvider ?? metrics).getMeter(...scope);

  const runs = createRunSpans(tracer, captureContent);
  const guardrails = createGuardrailEvents({ host, runs, captureContent });
  const subscription = host.events$.subscribe((tagged) => {
    if (tagged.source.kind === 'plugin') guardrails.observe(tagged);
    else runs.observe(tagged);
  });
  const genAiMetrics = createGenAiMetrics(meter, metricSet);
  host.useModelMiddleware(
    createChatSpanMiddleware({ host, tracer, metrics: genAiMetrics, runs, captureContent }),
  );
  host.useToolMiddleware(createToolSpanMiddleware({ host, tracer, runs, captureContent }));
  const propagator = createOtelContextPropagator();
  host.provide(services.contextPropagator, propagator);
  host.onShutdown(() => {
    subscription.unsubscribe();
    runs.endAll();
  });
  return { metricSet, propagator };
}

function validate(options: InstallTracingOptions): void {
  const problems: { path: string; message: string }[] = [];
  if (typeof options !== 'object' || options === null) {
    problems.push({ path: '', message: `options must be an object, got ${String(options)}` });
  } else {
    for (const key of Object.keys(options)) {
      if (!optionKeys.has(key)) problems.push({ path: key, message: `unknown option ${key}` });
    }
    const has = (value: unknown, method: string) =>
      typeof (value as Record<string, unknown> | null)?.[method] === 'function';
    if (options.tracerProvider !== undefined && !has(options.tracerProvider, 'getTracer')) {
      problems.push({ path: 'tracerProvider', message: 'tracerProvider has no getTracer()' });
    }
    if (options.meterProvider !== undefined && !has(options.meterProvider, 'getMeter')) {
      problems.push({ path: 'meterProvider', message: 'meterProvider has no getMeter()' });
    }
    if (options.captureContent !== undefined && typeof options.captureContent !== 'boolean') {
      problems.push({ path: 'captureContent', message: 'captureContent must be a boolean' });
    }
    if (options.env !== undefined && (typeof options.env !== 'object' || options.env === null)) {
      problems.push({ path: 'env', message: 'env must be an object of strings' });
    }
  }
  if (problems.length === 0) return;
  throw new AgentryError({
    code: 'validation_failed',
    message: `Invalid installTracing options: ${problems.map((problem) => problem.message).join('; ')}.`,
    details: { path: problems[0]?.path, problems },
    suggestions: [
      'Pass only tracerProvider (an OpenTelemetry TracerProvider), meterProvider (a MeterProvider), captureContent (a boolean) and env.',
    ],
  });
}
