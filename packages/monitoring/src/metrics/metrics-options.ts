import { AgentryError } from '@agentry/core';
import type { JsonLinesDestination } from '../exporters/json-lines-exporter.js';
import type { PrometheusServerOptions } from '../exporters/prometheus-server.js';

/**
 * Options of the metrics runtime that are code, not configuration: where the exporters named by
 * `metrics.exportFormats` deliver, the cardinality cap, and hooks for errors and the clock.
 *
 * @example
 * ```ts
 * import type { MetricsOptions } from '@agentry/monitoring';
 *
 * const options: MetricsOptions = {
 *   prometheus: { port: 9464, host: '0.0.0.0' },
 *   json: { path: 'metrics.jsonl' },
 *   maxSeriesPerMetric: 5_000,
 * };
 * ```
 */
export interface MetricsOptions {
  /**
   * With `prometheus` in `exportFormats`: also start a server of its own on this port (without
   * it, mount `MetricsHandle.prometheusHandler` on your server). Not allowed when the format is
   * not listed.
   */
  readonly prometheus?: Partial<PrometheusServerOptions> & Pick<PrometheusServerOptions, 'port'>;
  /** With `json` in `exportFormats` (required then): where the JSON lines go. */
  readonly json?: JsonLinesDestination;
  /** The most label sets per metric; default 2,000. */
  readonly maxSeriesPerMetric?: number;
  /**
   * Told of run-time failures (a JSON destination that fails, a skipped snapshot). Default:
   * `process.emitWarning`, which Node prints.
   */
  readonly onError?: (error: AgentryError) => void;
  /** The clock, in milliseconds since the epoch; default `performance.timeOrigin + performance.now()`. */
  readonly now?: () => number;
}

const KNOWN = new Set(['prometheus', 'json', 'maxSeriesPerMetric', 'onError', 'now']);

/**
 * @internal Checks options against the section's export formats and lists every problem with its
 * path in one `config_invalid` error.
 */
export function checkMetricsOptions(
  options: MetricsOptions,
  exportFormats: readonly string[],
): void {
  const problems: { path: string; message: string }[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) add(key, `unknown option ${key}`);
  const { prometheus, json, maxSeriesPerMetric } = options;
  if (prometheus !== undefined) {
    if (!exportFormats.includes('prometheus'))
      add(
        'prometheus',
        'prometheus options are given but metrics.exportFormats does not list prometheus',
      );
    if (!Number.isInteger(prometheus.port) || prometheus.port < 0 || prometheus.port > 65_535)
      add(
        'prometheus.port',
        `port must be an integer from 0 to 65535, got ${String(prometheus.port)}`,
      );
    if (
      prometheus.path !== undefined &&
      (typeof prometheus.path !== 'string' || !prometheus.path.startsWith('/'))
    )
      add('prometheus.path', `path must start with "/", got ${JSON.stringify(prometheus.path)}`);
    if (
      prometheus.host !== undefined &&
      (typeof prometheus.host !== 'string' || prometheus.host.length === 0)
    )
      add('prometheus.host', 'host must be a non-empty string');
  }
  if (exportFormats.includes('json') && json === undefined)
    add(
      'json',
      'metrics.exportFormats lists json, but no json destination (a stream or a path) is given',
    );
  if (json !== undefined) {
    if (!exportFormats.includes('json'))
      add('json', 'a json destination is given but metrics.exportFormats does not list json');
    const hasStream = 'stream' in json && typeof json.stream?.write === 'function';
    const hasPath = 'path' in json && typeof json.path === 'string' && json.path.length > 0;
    if (hasStream === hasPath)
      add('json', 'json needs exactly one of stream (a Writable) or path (a file)');
  }
  if (
    maxSeriesPerMetric !== undefined &&
    (!Number.isSafeInteger(maxSeriesPerMetric) || maxSeriesPerMetric <= 0)
  )
    add(
      'maxSeriesPerMetric',
      `maxSeriesPerMetric must be a positive integer, got ${String(maxSeriesPerMetric)}`,
    );
  if (problems.length === 0) return;
  throw new AgentryError({
    code: 'config_invalid',
    message: `Invalid metrics options: ${problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ')}.`,
    details: { issues: problems },
    suggestions: problems.map((problem) => `Fix ${problem.path}: ${problem.message}.`),
  });
}
