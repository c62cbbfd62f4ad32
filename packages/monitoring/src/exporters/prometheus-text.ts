import type { MetricsRegistry } from '../metrics/metrics-registry.js';
import type { AnyMetricSeries } from '../metrics/metric-series.js';

/** The content type of the text exposition format this renderer writes. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Per series, the start of each of its lines (`name{labels} `): made on the series' first render
 * and reused, so a scrape of 10,000 series only formats numbers (bench/metrics.bench.ts, scrape
 * of 10,000 series: the target is 50 ms). Keyed weakly so that a registry's series leave with it.
 */
const NEEDS_ESCAPE = /[\\"\n]/;

const prefixes = new WeakMap<AnyMetricSeries, readonly string[]>();

/**
 * Renders a registry in the Prometheus text exposition format 0.0.4: per metric with series, its
 * `# HELP` and `# TYPE` lines, then one line per series (histograms: cumulative `_bucket` lines
 * with `le`, `+Inf` last, then `_sum` and `_count`). Label values are escaped (`\\`, `\"`, `\n`).
 *
 * @example
 * ```ts
 * import { createMetricsRegistry, renderPrometheusText } from '@agentry/monitoring';
 *
 * const registry = createMetricsRegistry({ collectionInterval: 10_000, retentionPeriod: 1 });
 * registry.counter({ name: 'app_jobs_total', help: 'Jobs run.', labelNames: ['queue'] }).series(['mail']).add(2);
 * console.log(renderPrometheusText(registry));
 * // # HELP app_jobs_total Jobs run.
 * // # TYPE app_jobs_total counter
 * // app_jobs_total{queue="mail"} 2
 * ```
 */
export function renderPrometheusText(registry: MetricsRegistry): string {
  let text = '';
  for (const family of registry.families()) {
    if (family.size === 0) continue;
    text += `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`;
    for (const series of family.all()) {
      let lines = prefixes.get(series);
      if (lines === undefined) {
        lines = linePrefixes(family.name, family.labelNames, series, family.buckets);
        prefixes.set(series, lines);
      }
      if ('counts' in series) {
        let cumulative = 0;
        const counts = series.counts;
        for (let index = 0; index < counts.length; index += 1) {
          cumulative += counts[index]!;
          text += `${lines[index]!}${cumulative}\n`;
        }
        text += `${lines[counts.length]!}${formatValue(series.sum)}\n${lines[counts.length + 1]!}${series.count}\n`;
      } else text += `${lines[0]!}${formatValue(series.value)}\n`;
    }
  }
  return text;
}

function linePrefixes(
  name: string,
  labelNames: readonly string[],
  series: AnyMetricSeries,
  buckets: readonly number[] | undefined,
): readonly string[] {
  let labels = '';
  for (let index = 0; index < labelNames.length; index += 1) {
    if (index > 0) labels += ',';
    labels += `${labelNames[index]!}="${escapeLabelValue(series.labelValues[index]!)}"`;
  }
  const plain = labels === '' ? ' ' : `{${labels}} `;
  if (buckets === undefined) return [name + plain];
  const bucket = `${name}_bucket{${labels}${labels === '' ? '' : ','}le="`;
  const lines: string[] = [];
  for (const bound of buckets) lines.push(`${bucket}${formatValue(bound)}"} `);
  lines.push(`${bucket}+Inf"} `, `${name}_sum${plain}`, `${name}_count${plain}`);
  return lines;
}

function escapeLabelValue(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/[\\"\n]/g, (character) => (character === '\n' ? '\\n' : `\\${character}`));
}

function escapeHelp(help: string): string {
  return help.replace(/[\\\n]/g, (character) => (character === '\n' ? '\\n' : '\\\\'));
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
