export type {
  AuditEntry,
  AuditSink,
  ComplianceHost,
  Logger,
  LoggingHost,
  PurgeReport,
} from './core-interfaces.js';
export {
  installLogging,
  type InstallLoggingOptions,
  type LoggingInstallation,
} from './install-logging.js';
