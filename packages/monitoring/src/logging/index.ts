export type { ComplianceHost, LoggingHost } from './core-interfaces.js';
export {
  installLogging,
  type InstallLoggingOptions,
  type LoggingInstallation,
} from './install-logging.js';
