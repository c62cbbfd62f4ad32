import type { AlertConfig } from '../config/alert-config.js';
import type { PerformanceThresholds } from '../config/performance-thresholds.js';
import type { SignalSummary } from './alert-signals.js';

/**
 * What a condition measures:
 *
 * - `error-rate`: an `error` alert; the error rate over the window, in percent;
 * - `response-time-p95`: a `performance` alert; the 95th-percentile response time, in ms;
 * - `security-events`: a `security` alert; the number of security events in the window;
 * - `max-response-time`, `max-error-rate`, `min-throughput`, `max-memory-usage`: one bound each of
 *   the `PerformanceThresholds` (response time is its 95th percentile, so one slow outlier does
 *   not page anybody).
 *
 * @example
 * ```ts
 * import type { AlertConditionKind } from '@agentry/monitoring';
 *
 * const rateBased: AlertConditionKind[] = ['error-rate', 'response-time-p95', 'max-response-time', 'max-error-rate'];
 * console.log(rateBased.length);
 * ```
 */
export type AlertConditionKind =
  | 'error-rate'
  | 'response-time-p95'
  | 'security-events'
  | 'max-response-time'
  | 'max-error-rate'
  | 'min-throughput'
  | 'max-memory-usage';

/** @internal What one evaluation measured, as each condition reads it. */
export interface Measurements {
  readonly summary: SignalSummary;
  readonly securityEvents: number;
  /** Fewer requests than this in the window: rate-based conditions are not judged. */
  readonly minRequests: number;
  /** Whether a whole window has passed since alerts started (throughput needs one). */
  readonly windowFilled: boolean;
}

/** @internal One thing compared with a threshold, and where its notices go. */
export interface AlertCondition {
  /** `alerts[0]`, or `performanceThresholds.maxResponseTime` and so on. */
  readonly id: string;
  readonly kind: AlertConditionKind;
  readonly alertType: AlertConfig['type'];
  readonly severity: AlertConfig['severity'];
  readonly threshold: number;
  /** `above`: crossed when the value is greater than the threshold; `below`: when less. */
  readonly direction: 'above' | 'below';
  readonly unit: 'percent' | 'ms' | 'requests-per-second' | 'events';
  /** Ids of the channels its notices go to. */
  readonly channelIds: readonly string[];
  /** The value, or `undefined` when the window holds too little to judge. */
  measure(measurements: Measurements): number | undefined;
}

const severityRank = { low: 0, medium: 1, high: 2, critical: 3 } as const;

const rated =
  (read: (summary: SignalSummary) => number | undefined) =>
  (measurements: Measurements): number | undefined =>
    measurements.summary.requests < measurements.minRequests || measurements.summary.requests === 0
      ? undefined
      : read(measurements.summary);

/** @internal The id of channel `channelIndex` of alert `alertIndex`. */
export const channelId = (alertIndex: number, channelIndex: number): string =>
  `alerts[${alertIndex}].channels[${channelIndex}]`;

/**
 * Builds the conditions: one per alert, and one per bound of the performance thresholds, sent to
 * the channels of every `performance` alert (a channel configured identically twice gets one
 * notice) at the highest severity among them.
 *
 * @internal
 */
export function buildConditions(
  alerts: readonly AlertConfig[],
  thresholds: PerformanceThresholds | undefined,
): AlertCondition[] {
  const conditions: AlertCondition[] = alerts.map((alert, index) => {
    const base = {
      id: `alerts[${index}]`,
      alertType: alert.type,
      severity: alert.severity,
      threshold: alert.threshold,
      direction: 'above' as const,
      channelIds: alert.channels.map((_channel, channelIndex) => channelId(index, channelIndex)),
    };
    switch (alert.type) {
      case 'error':
        return {
          ...base,
          kind: 'error-rate',
          unit: 'percent',
          measure: rated((summary) => summary.errorRatePercent),
        };
      case 'performance':
        return {
          ...base,
          kind: 'response-time-p95',
          unit: 'ms',
          measure: rated((summary) => summary.latencyMs.p95),
        };
      case 'security':
        return {
          ...base,
          kind: 'security-events',
          unit: 'events',
          measure: (measurements) => measurements.securityEvents,
        };
    }
  });
  if (!thresholds) return conditions;

  const seen = new Set<string>();
  const channelIds: string[] = [];
  let severity: AlertConfig['severity'] = 'low';
  alerts.forEach((alert, index) => {
    if (alert.type !== 'performance') return;
    if (severityRank[alert.severity] > severityRank[severity]) severity = alert.severity;
    alert.channels.forEach((channel, channelIndex) => {
      const key = JSON.stringify(channel);
      if (seen.has(key)) return;
      seen.add(key);
      channelIds.push(channelId(index, channelIndex));
    });
  });
  const bound = (
    key: keyof PerformanceThresholds,
    kind: AlertConditionKind,
    direction: 'above' | 'below',
    unit: AlertCondition['unit'],
    measure: AlertCondition['measure'],
  ): AlertCondition => ({
    id: `performanceThresholds.${key}`,
    kind,
    alertType: 'performance',
    severity,
    threshold: thresholds[key],
    direction,
    unit,
    channelIds,
    measure,
  });
  conditions.push(
    bound(
      'maxResponseTime',
      'max-response-time',
      'above',
      'ms',
      rated((summary) => summary.latencyMs.p95),
    ),
    bound(
      'maxErrorRate',
      'max-error-rate',
      'above',
      'percent',
      rated((summary) => summary.errorRatePercent),
    ),
    bound('minThroughput', 'min-throughput', 'below', 'requests-per-second', (measurements) =>
      measurements.windowFilled ? measurements.summary.throughputPerSecond : undefined,
    ),
    bound(
      'maxMemoryUsage',
      'max-memory-usage',
      'above',
      'percent',
      (measurements) => measurements.summary.memoryPercent,
    ),
  );
  return conditions;
}
