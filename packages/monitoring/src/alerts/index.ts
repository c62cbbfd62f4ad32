export type { AlertConditionKind } from './alert-conditions.js';
export type { ChannelDeliveryStats, DeliveryFailure } from './alert-delivery.js';
export type { AlertState } from './alert-evaluator.js';
export type { AlertNotification } from './alert-notification.js';
export type { AlertSignals, SignalSummary } from './alert-signals.js';
export {
  installAlerts,
  type AlertEvaluation,
  type AlertsHandle,
  type AlertsOptions,
  type InstallAlertsInput,
} from './install-alerts.js';
