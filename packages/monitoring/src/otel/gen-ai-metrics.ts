import { createNoopMeter, type Attributes, type Meter } from '@opentelemetry/api';
import type { Usage } from '@agentry/core';
import {
  attributes,
  defaultMetricNames,
  latestExperimentalOptIn,
  latestMetricNames,
} from '../semconv/gen-ai.js';

// Bucket boundaries the conventions advise: seconds for durations, powers of 4 for tokens.
const durationBuckets = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
const tokenBuckets = Array.from({ length: 14 }, (_, index) => 4 ** index);

/** @internal Which metric names are emitted. */
export type GenAiMetricSet = 'default' | 'latest';

/** @internal The metric set `OTEL_SEMCONV_STABILITY_OPT_IN` asks for (comma-separated tokens). */
export function metricSetOf(optIn: string | undefined): GenAiMetricSet {
  const tokens = (optIn ?? '').split(',').map((token) => token.trim());
  return tokens.includes(latestExperimentalOptIn) ? 'latest' : 'default';
}

/** @internal What one finished model call contributes. */
export interface ModelCallMeasurement {
  readonly attributes: Attributes;
  readonly durationSeconds: number;
  readonly usage: Usage | undefined;
}

/**
 * @internal Records GenAI client metrics for model calls: duration and tokens. Time to first chunk
 * is a span attribute only: each histogram point costs the SDK an attribute hash, and the turn
 * budget of bench/tracing-overhead.bench.ts has room for three points.
 */
export interface GenAiMetrics {
  recordModelCall(measurement: ModelCallMeasurement): void;
}

/** @internal */
export function createGenAiMetrics(meter: Meter, set: GenAiMetricSet): GenAiMetrics {
  // The API's no-op meter (no meter provider given, none registered globally) records nothing,
  // and one obtained from it stays a no-op (the metrics API has no proxy provider): building the
  // attribute sets of each call for it would be work for nothing (bench/tracing-overhead.bench.ts).
  if (meter.constructor === createNoopMeter().constructor) return { recordModelCall: () => {} };
  const seconds = (name: string, description: string) =>
    meter.createHistogram(name, {
      description,
      unit: 's',
      advice: { explicitBucketBoundaries: durationBuckets },
    });
  const tokens = (name: string, description: string) =>
    meter.createHistogram(name, {
      description,
      unit: '{token}',
      advice: { explicitBucketBoundaries: tokenBuckets },
    });

  if (set === 'latest') {
    const duration = seconds(latestMetricNames.inferenceDuration, 'Duration of an inference call.');
    const input = tokens(latestMetricNames.inputTokens, 'Input tokens of an inference call.');
    const output = tokens(latestMetricNames.outputTokens, 'Output tokens of an inference call.');
    return {
      recordModelCall(measurement) {
        duration.record(measurement.durationSeconds, measurement.attributes);
        if (measurement.usage === undefined) return;
        input.record(measurement.usage.inputTokens, measurement.attributes);
        output.record(measurement.usage.outputTokens, measurement.attributes);
      },
    };
  }
  const duration = seconds(defaultMetricNames.operationDuration, 'Duration of a GenAI operation.');
  const usage = tokens(defaultMetricNames.tokenUsage, 'Tokens used by a GenAI operation.');
  return {
    recordModelCall(measurement) {
      duration.record(measurement.durationSeconds, measurement.attributes);
      if (measurement.usage === undefined) return;
      usage.record(measurement.usage.inputTokens, {
        ...measurement.attributes,
        [attributes.tokenType]: 'input',
      });
      usage.record(measurement.usage.outputTokens, {
        ...measurement.attributes,
        [attributes.tokenType]: 'output',
      });
    },
  };
}
