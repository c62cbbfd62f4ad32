export {
  createEventTrigger,
  type EventBus,
  type EventMatch,
  type EventStream,
  type EventTriggerContext,
  type EventTriggerHandle,
  type EventTriggerOptions,
} from './create-event-trigger.js';
export { createScheduler } from './create-scheduler.js';
export type {
  MissedTickPolicy,
  NextScheduledTick,
  ScheduleErrorContext,
  ScheduleOptions,
  ScheduleTickEvent,
  ScheduledTrigger,
  Scheduler,
  SchedulerOptions,
} from './schedule-types.js';
export { startManually, type StartManuallyOptions } from './start-manually.js';
export { createWebhookHandler } from './webhook/create-webhook-handler.js';
export {
  signWebhookPayload,
  verifyWebhookSignature,
  type WebhookSignatureOptions,
} from './webhook/webhook-signature.js';
export type {
  WebhookNextFunction,
  WebhookDelivery,
  WebhookErrorContext,
  WebhookHandler,
  WebhookHandlerOptions,
} from './webhook/webhook-types.js';
export type { WorkflowCollection, WorkflowSource } from './workflow-source.js';
