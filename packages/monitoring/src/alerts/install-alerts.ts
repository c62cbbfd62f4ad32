import { randomUUID } from 'node:crypto';
import {
  AgentryError,
  type AuditEntry,
  type AuditSink,
  type Clock,
  type Logger,
  type InstanceEvent,
  systemClock,
} from '@agentry/core';
import type { AlertConfig } from '../config/alert-config.js';
import type { PerformanceThresholds } from '../config/performance-thresholds.js';
import { buildConditions } from './alert-conditions.js';
import {
  createAlertDelivery,
  type ChannelDeliveryStats,
  type DeliveryFailure,
} from './alert-delivery.js';
import { createAlertEvaluator, type AlertState } from './alert-evaluator.js';
import type { AlertNotification } from './alert-notification.js';
import type { AlertSignals } from './alert-signals.js';
import {
  alertsInputSchema,
  invalidAlertsConfiguration,
  type ResolvedAlertsOptions,
} from './alerts-options.js';
import { createChannels } from './channels/create-channels.js';
import { createSecurityEventWindow, isSecurityEvent } from './security-event-window.js';

/**
 * Options of {@link installAlerts}: how alerts judge and deliver. Every interval is a positive
 * number of milliseconds.
 *
 * @example
 * ```ts
 * import type { AlertsOptions } from '@agentry/monitoring';
 *
 * // Judge the last 5 minutes every 30 s; remind at most every 15 minutes.
 * const options: AlertsOptions = { windowMs: 300_000, intervalMs: 30_000, cooldownMs: 900_000, minRequests: 20 };
 * ```
 */
export interface AlertsOptions {
  /** The sliding window each value is measured over; default 60 000 (one minute). */
  readonly windowMs?: number;
  /** How often alerts are evaluated on their own; default 15 000. The timer never keeps the process alive. */
  readonly intervalMs?: number;
  /** The shortest time between two `fired` notices of one condition; default 300 000 (5 minutes). */
  readonly cooldownMs?: number;
  /**
   * Rate-based conditions (error rate, p95 response time) are not judged on a window with fewer
   * requests than this (their state stays as it was), so that 1 failure in 2 requests does not
   * page anybody; default 10. Throughput, memory and security counts are always judged.
   */
  readonly minRequests?: number;
  /** How each notice is delivered. */
  readonly delivery?: {
    /** The deadline of one attempt; default 10 000. */
    readonly timeoutMs?: number;
    /** Attempts per notice and channel, the first included, from 1 to 10; default 4. */
    readonly maxAttempts?: number;
    /** The backoff after the first failed attempt, doubled each time, with full jitter; default 500. */
    readonly baseDelayMs?: number;
    /** The cap on the backoff; default 30 000. */
    readonly maxDelayMs?: number;
    /** A server's Retry-After longer than this is not waited for: the delivery fails at once; default 60 000. */
    readonly maxRetryAfterMs?: number;
  };
  /** The clock for windows, cooldowns, the interval and delivery waits; default the system clock. */
  readonly clock?: Clock;
  /** Random numbers in [0, 1) for the backoff's jitter; default `Math.random`. */
  readonly random?: () => number;
  /** Makes notice and delivery ids; default `crypto.randomUUID`. */
  readonly generateId?: () => string;
}

/**
 * What {@link installAlerts} needs.
 *
 * @example
 * ```ts
 * import type { InstallAlertsInput } from '@agentry/monitoring';
 *
 * declare const input: InstallAlertsInput;
 * console.log(input.alerts.length, input.options?.windowMs);
 * ```
 */
export interface InstallAlertsInput {
  /** The alerts, as in the `monitoring.alerts` section. */
  readonly alerts: readonly AlertConfig[];
  /** The performance thresholds, as in `monitoring.performanceThresholds`. */
  readonly thresholds: PerformanceThresholds;
  /** Where error rates, response times, throughput and memory are read. */
  readonly signals: AlertSignals;
  /** The instance's events (`host.events$`): security events are counted from it. */
  readonly events$: {
    /** Starts delivering every event to `next`; `host.events$` has this method. */
    subscribe(next: (tagged: InstanceEvent) => void): {
      /** Stops the delivery. */
      unsubscribe(): void;
    };
  };
  /** Where notices and delivery failures are logged; without one, failures become process warnings. */
  readonly logger?: Logger;
  /** Where every notice and every failed delivery is recorded (`category: 'alert'`). */
  readonly audit?: AuditSink;
  /** How alerts judge and deliver. */
  readonly options?: AlertsOptions;
}

/**
 * What one evaluation decided.
 *
 * @example
 * ```ts
 * import type { AlertEvaluation } from '@agentry/monitoring';
 *
 * const summary = (evaluation: AlertEvaluation) =>
 *   `${evaluation.notifications.length} notices, ${evaluation.failures.length} failed deliveries`;
 * console.log(summary({ at: Date.now(), notifications: [], failures: [] }));
 * ```
 */
export interface AlertEvaluation {
  /** When it ran, on the alerts' clock. */
  readonly at: number;
  /** The notices sent (fired and resolved). */
  readonly notifications: readonly AlertNotification[];
  /** The deliveries that failed after every attempt. */
  readonly failures: readonly DeliveryFailure[];
}

/**
 * Running alerts, as {@link installAlerts} returns them.
 *
 * @example
 * ```ts
 * import type { AlertsHandle } from '@agentry/monitoring';
 *
 * declare const alerts: AlertsHandle;
 * await alerts.evaluate();
 * console.log(alerts.states(), alerts.deliveries());
 * await alerts.close();
 * ```
 */
export interface AlertsHandle {
  /**
   * Evaluates every condition now and resolves once the resulting notices were delivered (or
   * failed; a failure is in the result, never a rejection).
   *
   * @throws AgentryError `invalid_transition` after `close`; what `signals.summary` throws.
   */
  evaluate(): Promise<AlertEvaluation>;
  /** Where each condition stands. */
  states(): readonly AlertState[];
  /** The delivery counters of each channel. */
  deliveries(): readonly ChannelDeliveryStats[];
  /** Stops the timer and the event subscription, waits for deliveries under way, and closes the channels. */
  close(): Promise<void>;
}

/**
 * Starts alerts: every `AlertConfig` and every bound of the `PerformanceThresholds` is a condition
 * evaluated over a sliding window, on a timer and on demand, whose notices go to its channels.
 *
 * What each condition compares with its threshold (fires when the value is above it; `minThroughput`
 * when below):
 *
 * - an `error` alert: the error rate over the window, in percent;
 * - a `performance` alert: the 95th-percentile response time, in milliseconds;
 * - a `security` alert: the number of `SecurityEvent`s (from `@agentry/core`) in the window (plug-in events of type
 *   `security` on `events$`, by their own time), whatever their severity: denied accesses, rate-limit
 *   refusals, a rate limiter's store becoming unavailable… An access decision whose `outcome` is
 *   `allow` is not counted (it is recorded in metrics, traces and the audit trail instead);
 * - `maxResponseTime` (p95, ms), `maxErrorRate` (%), `minThroughput` (requests per second) and
 *   `maxMemoryUsage` (%): each its own condition (`performanceThresholds.maxErrorRate`…), sent to
 *   the channels of the `performance` alerts at their highest severity. `minThroughput` is judged
 *   only once a whole window has passed since alerts started.
 *
 * A condition fires once when crossed; while it stays crossed the notice repeats no more often than
 * `cooldownMs`, and a condition that recovers and crosses again within the cooldown is not
 * announced again until the cooldown ends. A `resolved` notice follows when the value recovers.
 * Rate-based conditions skip windows with fewer than `minRequests` requests. Each notice is
 * delivered to its channels concurrently; a failing channel delays no other and never the caller:
 * it is retried with backoff, then logged, counted and audited. Every notice is audited.
 *
 * @throws AgentryError `config_invalid` listing each problem with its path (`alerts[0].threshold`,
 *   `thresholds.maxErrorRate`, `options.windowMs`).
 * @example
 * ```ts
 * import type { PluginHost } from '@agentry/core';
 * import { installAlerts, type AlertSignals } from '@agentry/monitoring';
 *
 * declare const signals: AlertSignals; // the metrics registry
 * declare const events$: PluginHost['events$']; // host.events$
 * const alerts = installAlerts({
 *   alerts: [
 *     {
 *       type: 'error',
 *       threshold: 5,
 *       severity: 'high',
 *       channels: [{ type: 'webhook', configuration: { url: 'https://alerts.example.com/agentry', secret: process.env.ALERT_SECRET ?? '' } }],
 *     },
 *   ],
 *   thresholds: { maxResponseTime: 2_000, maxErrorRate: 5, minThroughput: 0, maxMemoryUsage: 90 },
 *   signals,
 *   events$,
 *   options: { windowMs: 60_000, cooldownMs: 300_000 },
 * });
 * const { notifications } = await alerts.evaluate();
 * console.log(notifications.map((notice) => notice.title));
 * await alerts.close();
 * ```
 */
export function installAlerts(input: InstallAlertsInput): AlertsHandle {
  const { signals, events$, logger, audit } = input;
  const { clock, random, generateId, ...data } = input.options ?? {};
  const checked = alertsInputSchema.safeParse({
    alerts: input.alerts,
    thresholds: input.thresholds,
    options: data,
  });
  if (!checked.success) throw invalidAlertsConfiguration(checked.error);
  const { alerts, thresholds } = checked.data;
  const options: ResolvedAlertsOptions = {
    ...checked.data.options,
    clock: clock ?? systemClock,
    random: random ?? Math.random,
    generateId: generateId ?? randomUUID,
  };

  const report = (
    level: 'info' | 'warn' | 'error',
    fields: Record<string, unknown>,
    message: string,
  ) => {
    if (logger) logger[level]({ component: 'alerts', ...fields }, message);
    else if (level !== 'info')
      process.emitWarning(`${message}: ${JSON.stringify(fields)}`, 'AgentryAlertsWarning');
  };
  // Evaluations, deliveries and audit appends in flight: close() waits for all of them, so that
  // no audit entry is still being written when the sink behind it shuts down.
  const pending = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    pending.add(work);
    const settled = () => pending.delete(work);
    work.then(settled, settled);
  };
  const record = (entry: Omit<AuditEntry, 'at'>) => {
    if (!audit) return;
    track(
      audit
        .append({ at: new Date().toISOString(), ...entry })
        .catch((error: unknown) =>
          report(
            'error',
            { action: entry.action, error: error instanceof Error ? error.message : String(error) },
            'audit append failed',
          ),
        ),
    );
  };

  const conditions = buildConditions(alerts, thresholds);
  const channels = createChannels(alerts, {
    ...options.delivery,
    clock: options.clock,
    random: options.random,
  });
  const delivery = createAlertDelivery({
    channels,
    generateId: options.generateId,
    report,
    audit: record,
  });
  const evaluator = createAlertEvaluator({
    conditions,
    cooldownMs: options.cooldownMs,
    windowMs: options.windowMs,
    generateId: options.generateId,
  });
  warnAboutSetup(alerts, report);

  const maxSecurityThreshold = Math.max(
    0,
    ...alerts.filter((alert) => alert.type === 'security').map((alert) => alert.threshold),
  );
  const security = createSecurityEventWindow(
    options.windowMs,
    Math.max(1_000, Math.ceil(maxSecurityThreshold) + 1),
  );
  const subscription = events$.subscribe((tagged) => {
    // An allowed access decision is a record (metrics, traces, the audit trail), not an incident:
    // counting one per tool call would page on ordinary traffic. A decision without an outcome counts.
    if (isSecurityEvent(tagged) && tagged.event.outcome !== 'allow')
      security.add(tagged.event, options.clock.now());
  });

  const startedAt = options.clock.now();
  let closed = false;
  let timer: unknown;

  const evaluate = async (): Promise<AlertEvaluation> => {
    if (closed)
      throw new AgentryError({
        code: 'invalid_transition',
        message: 'These alerts were closed; they evaluate nothing more.',
        suggestions: ['Install alerts again with installAlerts to evaluate after close.'],
      });
    const now = options.clock.now();
    const summary = signals.summary({ windowMs: options.windowMs });
    const securityEvents = security.count(now);
    const decided = evaluator.evaluate(
      {
        summary,
        securityEvents,
        minRequests: options.minRequests,
        windowFilled: now - startedAt >= options.windowMs,
      },
      now,
      { securityEvents: security.breakdown() },
    );
    for (const { notification } of decided) {
      report(
        notification.status === 'fired' ? 'warn' : 'info',
        {
          condition: notification.condition,
          severity: notification.severity,
          value: notification.value,
          threshold: notification.threshold,
          notification: notification.id,
        },
        `alert ${notification.status}: ${notification.title}`,
      );
      record({
        category: 'alert',
        action: `alert.${notification.status}`,
        subject: notification.condition,
        details: { ...notification },
      });
    }
    const work = Promise.all(
      decided.map(({ condition, notification }) =>
        delivery.deliver(notification, condition.channelIds),
      ),
    );
    track(work);
    const failures = (await work).flat();
    return { at: now, notifications: decided.map(({ notification }) => notification), failures };
  };

  const schedule = () => {
    timer = options.clock.setTimeout(() => {
      if (closed) return;
      // The next round is due whatever this one's deliveries do: a slow channel delays nothing.
      schedule();
      evaluate().catch((error: unknown) =>
        report(
          'error',
          { error: error instanceof Error ? error.message : String(error) },
          'alert evaluation failed',
        ),
      );
    }, options.intervalMs);
    // The interval must not keep the process alive on its own.
    (timer as { unref?: () => void } | undefined)?.unref?.();
  };
  schedule();

  return {
    evaluate,
    states: () => evaluator.states(),
    deliveries: () => delivery.stats(),
    async close() {
      if (closed) return;
      closed = true;
      options.clock.clearTimeout(timer);
      subscription.unsubscribe();
      // A delivery that settles may append an audit entry of its own: wait until none is left.
      while (pending.size > 0) await Promise.allSettled([...pending]);
      await Promise.allSettled([...channels.values()].map((channel) => channel.close()));
    },
  };
}

function warnAboutSetup(
  alerts: readonly AlertConfig[],
  report: (level: 'warn', fields: Record<string, unknown>, message: string) => void,
): void {
  if (!alerts.some((alert) => alert.type === 'performance'))
    report(
      'warn',
      {},
      'no performance alert: performanceThresholds are evaluated and audited but sent to no channel',
    );
}
