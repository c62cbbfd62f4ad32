import type { AlertConfig } from '../config/alert-config.js';
import type { AlertConditionKind } from './alert-conditions.js';

/**
 * One notice that an alert fired or resolved: the body of a webhook delivery, and what the Slack,
 * email and SMS messages are written from. It holds measurements only, never an event's subject,
 * reason or any other free text, so nothing secret or personal leaves the process in it.
 *
 * @example
 * ```ts
 * import type { AlertNotification } from '@agentry/monitoring';
 *
 * // What a webhook receiver reads from the body of a delivery.
 * function describe(notification: AlertNotification): string {
 *   return notification.status === 'fired'
 *     ? `${notification.severity}: ${notification.title}`
 *     : `resolved: ${notification.title}`;
 * }
 * console.log(describe({
 *   id: '5b1f0c9e-2f7a-4c1e-9d1a-0e6d3b7f8a21',
 *   status: 'fired',
 *   condition: 'alerts[0]',
 *   kind: 'error-rate',
 *   alertType: 'error',
 *   severity: 'high',
 *   value: 12.5,
 *   threshold: 5,
 *   direction: 'above',
 *   unit: 'percent',
 *   windowMs: 60_000,
 *   at: '2026-12-07T10:00:00.000Z',
 *   repeat: false,
 *   title: 'Error rate 12.5 % is above 5 %',
 * }));
 * ```
 */
export interface AlertNotification {
  /** Unique to this notice. */
  readonly id: string;
  /** `fired` when the condition is crossed (again, after a cooldown, when `repeat`); `resolved` when it recovers. */
  readonly status: 'fired' | 'resolved';
  /** The condition: `alerts[0]`, or `performanceThresholds.maxErrorRate` and so on. */
  readonly condition: string;
  /** What the condition measures. */
  readonly kind: AlertConditionKind;
  /** The type of alert it belongs to. */
  readonly alertType: AlertConfig['type'];
  /** How urgent it is. */
  readonly severity: AlertConfig['severity'];
  /** The value measured over the window. */
  readonly value: number;
  /** The threshold it was compared with. */
  readonly threshold: number;
  /** `above`: fires when the value is greater than the threshold; `below`: when it is less. */
  readonly direction: 'above' | 'below';
  /** The unit of `value` and `threshold`. */
  readonly unit: 'percent' | 'ms' | 'requests-per-second' | 'events';
  /** The sliding window the value was measured over, in milliseconds. */
  readonly windowMs: number;
  /** When it was decided, in ISO 8601. */
  readonly at: string;
  /** For `resolved`, and for a repeated `fired`: when the condition was first crossed. */
  readonly firedAt?: string;
  /** Whether this `fired` notice repeats an earlier one, the condition still being crossed. */
  readonly repeat: boolean;
  /** One line for people, such as `Error rate 12.5 % is above 5 %`. */
  readonly title: string;
  /** For a security alert: the events in the window, counted by category and by severity. */
  readonly securityEvents?: {
    /** Counts by category, such as `{ 'access-denied': 4 }`. */
    readonly byCategory: Readonly<Record<string, number>>;
    /** Counts by severity. */
    readonly bySeverity: Readonly<Record<string, number>>;
  };
}

const labels: Record<AlertConditionKind, string> = {
  'error-rate': 'Error rate',
  'response-time-p95': 'Response time (p95)',
  'security-events': 'Security events',
  'max-response-time': 'Response time (p95)',
  'max-error-rate': 'Error rate',
  'min-throughput': 'Throughput',
  'max-memory-usage': 'Memory use',
};

const units: Record<AlertNotification['unit'], string> = {
  percent: ' %',
  ms: ' ms',
  'requests-per-second': ' req/s',
  events: '',
};

/** @internal A number with its unit, for people: `12.5 %`, `2000 ms`. */
export function formatValue(value: number, unit: AlertNotification['unit']): string {
  const rounded = Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100);
  return `${rounded}${units[unit]}`;
}

/** @internal The window for people: `60 s`, `5 min`. */
export function formatWindow(windowMs: number): string {
  if (windowMs % 60_000 === 0) return `${windowMs / 60_000} min`;
  if (windowMs % 1000 === 0) return `${windowMs / 1000} s`;
  return `${windowMs} ms`;
}

/** @internal The title of a notice: `Error rate 12.5 % is above 5 %`. */
export function notificationTitle(
  status: AlertNotification['status'],
  kind: AlertConditionKind,
  value: number,
  threshold: number,
  direction: AlertNotification['direction'],
  unit: AlertNotification['unit'],
): string {
  const label = labels[kind];
  const measured = formatValue(value, unit);
  const limit = formatValue(threshold, unit);
  if (status === 'resolved') return `Resolved: ${label} ${measured} is back within ${limit}`;
  return `${label} ${measured} is ${direction} ${limit}`;
}

/** @internal The plain-text body shared by email and SMS. */
export function notificationText(notification: AlertNotification): string {
  const lines = [
    `[${notification.severity.toUpperCase()}] ${notification.title}`,
    `Condition: ${notification.condition} (${notification.alertType})`,
    `Value: ${formatValue(notification.value, notification.unit)}; threshold: ${formatValue(notification.threshold, notification.unit)}; window: ${formatWindow(notification.windowMs)}`,
    `At: ${notification.at}${notification.firedAt ? `; fired at ${notification.firedAt}` : ''}`,
  ];
  const events = notification.securityEvents;
  if (events) {
    const counts = Object.entries(events.byCategory).map(
      ([category, count]) => `${category} ${count}`,
    );
    lines.push(`Events: ${counts.join(', ')}`);
  }
  return lines.join('\n');
}
