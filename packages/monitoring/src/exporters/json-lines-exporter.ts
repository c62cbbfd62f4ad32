import { createWriteStream, openSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { AgentryError } from '@agentry/core';
import type { MetricsRegistry } from '../metrics/metrics-registry.js';

/** Bytes a destination may hold unwritten before a snapshot is skipped (and reported). */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/**
 * Where the JSON-lines exporter writes: a writable stream you own (it is never ended), or a file
 * path opened for appending (created if missing, closed on shutdown).
 *
 * @example
 * ```ts
 * import type { JsonLinesDestination } from '@agentry/monitoring';
 *
 * const toFile: JsonLinesDestination = { path: '/var/log/agentry/metrics.jsonl' };
 * const toStdout: JsonLinesDestination = { stream: process.stdout };
 * ```
 */
export type JsonLinesDestination =
  | {
      /** A writable stream; the exporter writes to it and never ends it. */
      readonly stream: Writable;
    }
  | {
      /** A file to append to. */
      readonly path: string;
    };

/**
 * One line the JSON-lines exporter writes: one series' value since start, at a time.
 *
 * @example
 * ```ts
 * import type { MetricSample } from '@agentry/monitoring';
 *
 * const line = '{"at":"2026-12-07T10:00:00.000Z","name":"agentry_model_requests_total","type":"counter","labels":{"agent":"a-1","model":"openai:gpt-4o"},"value":3}';
 * const sample = JSON.parse(line) as MetricSample;
 * console.log(sample.value);
 * ```
 */
export interface MetricSample {
  /** When the snapshot was taken (ISO 8601). */
  readonly at: string;
  /** The metric's name. */
  readonly name: string;
  /** Its kind. */
  readonly type: 'counter' | 'gauge' | 'histogram';
  /** The series' labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** A counter's total or a gauge's value. */
  readonly value?: number;
  /** A histogram's observations. */
  readonly count?: number;
  /** A histogram's sum of observations. */
  readonly sum?: number;
  /** A histogram's cumulative bucket counts, `le` `null` standing for `+Inf`. */
  readonly buckets?: readonly {
    /** The bucket's upper bound; `null` for `+Inf`. */
    readonly le: number | null;
    /** Observations at or below it. */
    readonly count: number;
  }[];
}

/**
 * A running JSON-lines exporter.
 *
 * @example
 * ```ts
 * import type { JsonLinesExporter } from '@agentry/monitoring';
 *
 * declare const exporter: JsonLinesExporter;
 * exporter.flush(); // write a snapshot now
 * await exporter.close(); // last snapshot, then the file is closed
 * ```
 */
export interface JsonLinesExporter {
  /** Writes one snapshot of every series now. */
  flush(): void;
  /** Stops the timer, writes a last snapshot and, for a file, closes it once written. */
  close(): Promise<void>;
}

/**
 * What {@link startJsonLinesExporter} needs.
 *
 * @example
 * ```ts
 * import { createMetricsRegistry, type JsonLinesExporterOptions } from '@agentry/monitoring';
 *
 * const options: JsonLinesExporterOptions = {
 *   registry: createMetricsRegistry({ collectionInterval: 10_000, retentionPeriod: 1 }),
 *   destination: { stream: process.stdout },
 *   interval: 10_000,
 *   onError: (error) => console.error(error.message),
 * };
 * ```
 */
export interface JsonLinesExporterOptions {
  /** The metrics written. */
  readonly registry: MetricsRegistry;
  /** Where they are written. */
  readonly destination: JsonLinesDestination;
  /** How often a snapshot is written, in milliseconds (the section's `collectionInterval`). */
  readonly interval: number;
  /** Told of a failed write or a skipped snapshot. */
  readonly onError: (error: AgentryError) => void;
  /** The clock for `at`, in milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Starts writing newline-delimited JSON snapshots of a registry ({@link MetricSample}, one line
 * per series) every `interval` (an unref'd timer: it does not keep the process alive). When the
 * destination has more than 16 MB unwritten, a snapshot is skipped and reported rather than
 * buffered without bound; a stream error is reported and stops the exporter.
 *
 * @throws AgentryError `config_invalid` when the file cannot be opened for appending
 * @example
 * ```ts
 * import { createMetricsRegistry, startJsonLinesExporter } from '@agentry/monitoring';
 *
 * const registry = createMetricsRegistry({ collectionInterval: 10_000, retentionPeriod: 1 });
 * const exporter = startJsonLinesExporter({
 *   registry,
 *   destination: { path: 'metrics.jsonl' },
 *   interval: 10_000,
 *   onError: (error) => console.error(error.message),
 * });
 * await exporter.close();
 * ```
 */
export function startJsonLinesExporter(options: JsonLinesExporterOptions): JsonLinesExporter {
  const { registry, destination, onError } = options;
  const now = options.now ?? Date.now;
  let stream: Writable;
  const owned = 'path' in destination;
  if ('path' in destination) {
    let fd: number;
    try {
      fd = openSync(destination.path, 'a');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new AgentryError({
        code: 'config_invalid',
        message: `The JSON metrics file ${destination.path} cannot be opened for appending: ${reason}.`,
        details: { path: 'json.path', file: destination.path, reason },
        suggestions: ['Point json.path at a file in an existing directory this process may write.'],
        cause: error,
      });
    }
    stream = createWriteStream('', { fd });
  } else stream = destination.stream;
  let failed = false;
  const onStreamError = (error: Error) => {
    failed = true;
    clearInterval(timer);
    onError(
      new AgentryError({
        code: 'internal',
        message: `The JSON metrics exporter stopped: its destination failed: ${error.message}.`,
        details: owned ? { file: (destination as { path: string }).path } : {},
        suggestions: [
          'Check the destination (disk space, permissions, a closed stream) and restart.',
        ],
        cause: error,
      }),
    );
  };
  stream.on('error', onStreamError);

  const flush = () => {
    if (failed) return;
    if (stream.writableLength > MAX_BUFFERED_BYTES) {
      onError(
        new AgentryError({
          code: 'limit_exceeded',
          message: `A JSON metrics snapshot was skipped: the destination has ${stream.writableLength} bytes not yet written.`,
          details: { buffered: stream.writableLength, limit: MAX_BUFFERED_BYTES },
          suggestions: ['Use a faster destination or a longer collectionInterval.'],
        }),
      );
      return;
    }
    const text = snapshot(registry, new Date(now()).toISOString());
    if (text.length > 0) stream.write(text);
  };
  const timer = setInterval(flush, options.interval);
  timer.unref();
  let closing: Promise<void> | undefined;
  return {
    flush,
    close() {
      closing ??= (async () => {
        clearInterval(timer);
        flush();
        stream.off('error', onStreamError);
        if (!owned || failed) return;
        await new Promise<void>((resolve, reject) => {
          stream.once('error', reject);
          stream.end(() => resolve());
        });
      })();
      return closing;
    },
  };
}

function snapshot(registry: MetricsRegistry, at: string): string {
  let text = '';
  for (const family of registry.families()) {
    for (const series of family.all()) {
      const labels: Record<string, string> = {};
      family.labelNames.forEach((label, index) => (labels[label] = series.labelValues[index]!));
      const base = { at, name: family.name, type: family.type, labels };
      let sample: MetricSample;
      if ('counts' in series) {
        let cumulative = 0;
        const buckets = Array.from(series.counts, (count, index) => {
          cumulative += count;
          return {
            le: index < series.bounds.length ? series.bounds[index]! : null,
            count: cumulative,
          };
        });
        sample = { ...base, count: series.count, sum: series.sum, buckets };
      } else sample = { ...base, value: series.value };
      text += `${JSON.stringify(sample)}\n`;
    }
  }
  return text;
}
