export { definePlugin } from './define-plugin.js';
export {
  createPluginRegistry,
  type PluginDescription,
  type PluginRegistry,
} from './plugin-registry.js';
export type {
  AgentryPlugin,
  PluginCompliance,
  PluginConfigSection,
  PluginHost,
  StoreWrapper,
} from './plugin-types.js';
export type { PluginEvent, PluginEventSource, SecurityEvent } from './plugin-event.js';
export type {
  AgentEventSource,
  AttachRunEvents,
  RunEventsControl,
  InstanceEvent,
  WorkflowRunEvent,
  WorkflowRunEventSource,
} from './plugin-events.js';
export {
  defineServiceKey,
  services,
  type AuthorizationDecision,
  type AuthorizationPrincipal,
  type AuthorizationRequest,
  type Authorizer,
  type Masker,
  type MaskContext,
  type MaskStream,
  type ServiceKey,
  type ServiceLookup,
} from './plugin-services.js';
export type { AuditEntry, AuditSink } from './audit-sink.js';
export type { ContextPropagator } from './context-propagator.js';
export { createConsoleLogger, type ConsoleLoggerOptions, type Logger } from './logger.js';
export type {
  ErasureReport,
  PurgeReport,
  RecordHandler,
  StoreDataReport,
  UnreadableRecord,
} from './record-handler.js';
