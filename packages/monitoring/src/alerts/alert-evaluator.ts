import type { AlertCondition, Measurements } from './alert-conditions.js';
import type { AlertNotification } from './alert-notification.js';
import { notificationTitle } from './alert-notification.js';

/**
 * Where one condition stands, as `AlertsHandle.states()` reports it.
 *
 * @example
 * ```ts
 * import type { AlertState } from '@agentry/monitoring';
 *
 * const firing = (states: readonly AlertState[]) => states.filter((state) => state.status === 'firing');
 * console.log(firing([]).length);
 * ```
 */
export interface AlertState {
  /** The condition: `alerts[0]`, or `performanceThresholds.minThroughput` and so on. */
  readonly condition: string;
  /** `ok`, or `firing` while the value is beyond the threshold. */
  readonly status: 'ok' | 'firing';
  /** The last value measured; `undefined` before the first or while the window held too little to judge. */
  readonly value: number | undefined;
  /** The threshold. */
  readonly threshold: number;
  /** When it started firing (epoch ms on the alerts' clock). */
  readonly firingSince?: number;
  /** When its last `fired` notice was sent (epoch ms on the alerts' clock). */
  readonly lastNotifiedAt?: number;
  /** `fired` notices held back by the cooldown since alerts started. */
  readonly suppressed: number;
}

interface MutableState {
  status: 'ok' | 'firing';
  value: number | undefined;
  firingSince: number | undefined;
  lastNotifiedAt: number | undefined;
  /** Whether receivers were told of the current firing, so that they are told when it ends. */
  notified: boolean;
  suppressed: number;
}

/**
 * Holds the state of every condition and turns one evaluation's measurements into notices.
 *
 * - A condition fires when its value crosses the threshold; its `fired` notice is sent unless one
 *   was sent less than `cooldownMs` ago, in which case it is held back (and counted).
 * - While it stays crossed, a `fired` notice with `repeat: true` is sent once per cooldown.
 * - When the value recovers, a `resolved` notice is sent, if receivers were told it fired.
 * - A value of `undefined` (too few requests in the window) changes nothing.
 *
 * @internal
 */
export function createAlertEvaluator(options: {
  conditions: readonly AlertCondition[];
  cooldownMs: number;
  windowMs: number;
  generateId: () => string;
}) {
  const { conditions, cooldownMs, windowMs, generateId } = options;
  const states = new Map<string, MutableState>(
    conditions.map((condition) => [
      condition.id,
      {
        status: 'ok',
        value: undefined,
        firingSince: undefined,
        lastNotifiedAt: undefined,
        notified: false,
        suppressed: 0,
      },
    ]),
  );

  const notice = (
    condition: AlertCondition,
    state: MutableState,
    status: AlertNotification['status'],
    value: number,
    now: number,
    repeat: boolean,
    extra: Pick<AlertNotification, 'securityEvents'>,
  ): AlertNotification => ({
    id: generateId(),
    status,
    condition: condition.id,
    kind: condition.kind,
    alertType: condition.alertType,
    severity: condition.severity,
    value,
    threshold: condition.threshold,
    direction: condition.direction,
    unit: condition.unit,
    windowMs,
    at: new Date(now).toISOString(),
    ...(state.firingSince !== undefined && (status === 'resolved' || repeat)
      ? { firedAt: new Date(state.firingSince).toISOString() }
      : {}),
    repeat,
    title: notificationTitle(
      status,
      condition.kind,
      value,
      condition.threshold,
      condition.direction,
      condition.unit,
    ),
    ...(condition.kind === 'security-events' ? extra : {}),
  });

  return {
    evaluate(
      measurements: Measurements,
      now: number,
      extra: Pick<AlertNotification, 'securityEvents'> = {},
    ): { condition: AlertCondition; notification: AlertNotification }[] {
      const out: { condition: AlertCondition; notification: AlertNotification }[] = [];
      for (const condition of conditions) {
        const state = states.get(condition.id);
        const value = condition.measure(measurements);
        if (!state || value === undefined) continue;
        state.value = value;
        const crossed =
          condition.direction === 'above'
            ? value > condition.threshold
            : value < condition.threshold;
        const coolingDown =
          state.lastNotifiedAt !== undefined && now - state.lastNotifiedAt < cooldownMs;
        if (crossed) {
          const repeat = state.status === 'firing';
          if (!repeat) {
            state.status = 'firing';
            state.firingSince = now;
            state.notified = false;
          }
          if (coolingDown) {
            if (!repeat) state.suppressed += 1;
            continue;
          }
          out.push({
            condition,
            notification: notice(
              condition,
              state,
              'fired',
              value,
              now,
              repeat && state.notified,
              extra,
            ),
          });
          state.lastNotifiedAt = now;
          state.notified = true;
        } else if (state.status === 'firing') {
          if (state.notified)
            out.push({
              condition,
              notification: notice(condition, state, 'resolved', value, now, false, extra),
            });
          state.status = 'ok';
          state.firingSince = undefined;
          state.notified = false;
        }
      }
      return out;
    },
    states(): AlertState[] {
      return conditions.map((condition) => {
        const state = states.get(condition.id) as MutableState;
        return {
          condition: condition.id,
          status: state.status,
          value: state.value,
          threshold: condition.threshold,
          ...(state.firingSince !== undefined ? { firingSince: state.firingSince } : {}),
          ...(state.lastNotifiedAt !== undefined ? { lastNotifiedAt: state.lastNotifiedAt } : {}),
          suppressed: state.suppressed,
        };
      });
    },
  };
}
