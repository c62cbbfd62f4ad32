import type {
  AgentEvent,
  AgentryError,
  PluginHost,
  PricingInfo,
  WorkflowRunEvent,
} from '@agentry/core';
import type { MetricsConfig } from '../config/metrics-config.js';
import {
  startJsonLinesExporter,
  type JsonLinesExporter,
} from '../exporters/json-lines-exporter.js';
import {
  createPrometheusHandler,
  startPrometheusServer,
  type PrometheusHandler,
  type PrometheusServer,
} from '../exporters/prometheus-server.js';
import { renderPrometheusText } from '../exporters/prometheus-text.js';
import { AgentEventRecorder } from './agent-event-recorder.js';
import { defineAgentryMetrics } from './agentry-metric-families.js';
import { checkMetricsOptions, type MetricsOptions } from './metrics-options.js';
import { createMetricsRegistry, type MetricsRegistry } from './metrics-registry.js';
import {
  summarizeMetrics,
  type MetricsSummary,
  type MetricsSummaryQuery,
} from './metrics-summary.js';
import { createProcessSampler } from './process-gauges.js';
import { queryMetric, type MetricQuery, type MetricWindow } from './query-metric.js';
import { SecurityEventRecorder } from './security-event-recorder.js';
import { WorkflowEventRecorder } from './workflow-event-recorder.js';

/**
 * The running metrics of an Agentry instance, made by {@link installMetrics}.
 *
 * @example
 * ```ts
 * import type { MetricsHandle } from '@agentry/monitoring';
 *
 * declare const metrics: MetricsHandle;
 * const { errorRatePercent, latencyMs } = metrics.summary({ windowMs: 5 * 60_000 });
 * const tokens = metrics.query({ name: 'agentry_model_tokens_total', window: 60_000, labels: { type: 'output' } });
 * console.log(errorRatePercent, latencyMs.p95, tokens.value);
 * ```
 */
export interface MetricsHandle {
  /** The registry holding every metric. */
  readonly registry: MetricsRegistry;
  /**
   * A metric over a window ending now.
   *
   * @throws AgentryError `not_found` for an unknown name; `validation_failed` for a bad window or label
   */
  query(query: MetricQuery): MetricWindow;
  /**
   * Requests, errors, latency, throughput, memory, tokens and cost over a window ending now.
   *
   * @throws AgentryError `validation_failed` for a window that is not positive or longer than the retention
   */
  summary(query: MetricsSummaryQuery): MetricsSummary;
  /** The metrics in the Prometheus text format 0.0.4. */
  renderPrometheus(): string;
  /** A `node:http` handler answering scrapes; mount it on your own server at `/metrics`. */
  readonly prometheusHandler: PrometheusHandler;
  /** The scrape URL of the exporter's own server, when `MetricsOptions.prometheus` started one. */
  readonly prometheusUrl: string | undefined;
  /** Samples uptime and memory now (the timer does so every `collectionInterval`). */
  sample(): void;
  /**
   * Stops collecting: unsubscribes, clears the timers, writes the last JSON snapshot and closes
   * the server. Runs on `agentry.shutdown()`; calling it again does nothing more.
   */
  close(): Promise<void>;
}

/**
 * Starts Agentry's metrics for a plug-in host: subscribes to `host.events$` and measures, per
 * agent, model, tool, workflow and step, requests, errors by code, latency (time to first chunk
 * and total), tokens (cached and reasoning apart), cost from the model catalogue's pricing
 * (`models.availableModels[id].pricing`), retries, fallbacks, tool calls, workflow runs and
 * steps, and plug-ins' security events (by category and severity; access decisions by outcome,
 * action and resource type; rate-limit refusals by action and resource type); samples uptime and memory every `collectionInterval` (an unref'd timer). Starts the
 * exporters that `section.exportFormats` lists: `prometheus` (a handler, plus a server when
 * `options.prometheus` gives a port) and `json` (to `options.json`); `otlp` is not served here.
 * Everything stops on `host.onShutdown`. With `section.enabled` false nothing is collected,
 * started or exported, and queries answer from an empty registry.
 *
 * @throws AgentryError `config_invalid` when the options are invalid or do not match the export
 *   formats, a json destination is missing or cannot be opened, or the Prometheus port cannot be bound
 * @example
 * ```ts
 * import { definePlugin, type PluginHost } from '@agentry/core';
 * import { installMetrics, type MetricsConfig, type MetricsHandle } from '@agentry/monitoring';
 *
 * const section: MetricsConfig = { enabled: true, collectionInterval: 10_000, retentionPeriod: 24, exportFormats: ['prometheus'] };
 * let metrics: MetricsHandle | undefined;
 * export const measured = definePlugin({
 *   name: 'agentry-plugin-measured',
 *   version: '1.0.0',
 *   setup: async (host: PluginHost) => {
 *     metrics = await installMetrics(host, section, { prometheus: { port: 9464 } });
 *   },
 * });
 * ```
 */
export async function installMetrics(
  host: Pick<PluginHost, 'events$' | 'onShutdown' | 'config'>,
  section: MetricsConfig,
  options: MetricsOptions = {},
): Promise<MetricsHandle> {
  checkMetricsOptions(options, section.exportFormats);
  const registry = createMetricsRegistry({
    collectionInterval: section.collectionInterval,
    retentionPeriod: section.retentionPeriod,
    ...(options.maxSeriesPerMetric !== undefined
      ? { maxSeriesPerMetric: options.maxSeriesPerMetric }
      : {}),
    ...(options.now !== undefined ? { now: options.now } : {}),
  });
  const families = defineAgentryMetrics(registry);
  const render = () => renderPrometheusText(registry);
  const prometheusHandler = createPrometheusHandler(render);
  const onError = options.onError ?? ((error: AgentryError) => process.emitWarning(error));
  const sample = createProcessSampler(families);
  const base = {
    registry,
    query: (query: MetricQuery) => queryMetric(registry, query),
    summary: (query: MetricsSummaryQuery) => summarizeMetrics(registry, query),
    renderPrometheus: render,
    prometheusHandler,
    sample,
  };
  if (!section.enabled)
    return { ...base, prometheusUrl: undefined, close: () => Promise.resolve() };

  let server: PrometheusServer | undefined;
  if (options.prometheus !== undefined)
    server = await startPrometheusServer(options.prometheus, prometheusHandler);
  let json: JsonLinesExporter | undefined;
  try {
    if (options.json !== undefined) {
      json = startJsonLinesExporter({
        registry,
        destination: options.json,
        interval: section.collectionInterval,
        onError,
      });
    }
  } catch (error) {
    await server?.close();
    throw error;
  }

  const agents = new AgentEventRecorder(families, registry.ring, pricingLookup(host.config));
  const workflows = new WorkflowEventRecorder(families);
  const security = new SecurityEventRecorder(families);
  const subscription = host.events$.subscribe((tagged) => {
    if (tagged.source.kind === 'agent')
      agents.record(tagged.source.agentId, tagged.event as AgentEvent);
    else if (tagged.source.kind === 'workflow-run')
      workflows.record(tagged.event as WorkflowRunEvent);
    else security.record(tagged);
  });
  sample();
  const timer = setInterval(sample, section.collectionInterval);
  timer.unref();

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      subscription.unsubscribe();
      clearInterval(timer);
      const results = await Promise.allSettled([json?.close(), server?.close()]);
      const failure = results.find((result) => result.status === 'rejected');
      if (failure !== undefined) throw failure.reason;
    })();
    return closing;
  };
  host.onShutdown(close);
  return { ...base, prometheusUrl: server?.url, close };
}

/** Reads `models.availableModels[id].pricing` from the validated configuration. */
function pricingLookup(
  config: Readonly<Record<string, unknown>>,
): (model: string) => PricingInfo | undefined {
  const models = config['models'];
  const available =
    typeof models === 'object' && models !== null
      ? (models as { availableModels?: unknown }).availableModels
      : undefined;
  return (model) => {
    if (typeof available !== 'object' || available === null || !Object.hasOwn(available, model))
      return undefined;
    return (available as Record<string, { pricing?: PricingInfo } | undefined>)[model]?.pricing;
  };
}
