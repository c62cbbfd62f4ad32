export type { AlertConditionKind } from './alert-conditions.js';
export type { ChannelDeliveryStats, DeliveryFailure } from './alert-delivery.js';
export type { AlertState } from './alert-evaluator.js';
export type { AlertNotification } from './alert-notification.js';
export type { AlertSignals, SignalSummary } from './alert-signals.js';
export {
  verifyWebhookSignature,
  type VerifyWebhookSignatureOptions,
  type WebhookVerification,
} from './channels/webhook-signature.js';
export type {
  AlertAuditEntry,
  AlertAuditSink,
  AlertEventStream,
  AlertLogger,
  SecurityEvent,
  TaggedEvent,
} from './core-interfaces.js';
export {
  installAlerts,
  type AlertEvaluation,
  type AlertsHandle,
  type AlertsOptions,
  type InstallAlertsInput,
} from './install-alerts.js';
