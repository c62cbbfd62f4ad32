import { AgentryError, type Logger, services } from '@agentry/core';
import { loggingConfigSchema, type LoggingConfig } from '../config/index.js';
import type { LoggingHost } from './core-interfaces.js';
import { createPinoLogger } from './create-pino-logger.js';
import { createEventLogger } from './log-instance-events.js';
import { loadTraceIdsReader } from './trace-context.js';

/**
 * Options of {@link installLogging}.
 *
 * @example
 * ```ts
 * import type { InstallLoggingOptions } from '@agentry/monitoring';
 *
 * const options: InstallLoggingOptions = { destination: '/var/log/agentry/agentry.log' };
 * console.log(options.destination);
 * ```
 */
export interface InstallLoggingOptions {
  /**
   * Where lines go: a writable stream (left open at shutdown), or a file path (created with its
   * directories, appended to, closed at shutdown). Standard output when left out.
   */
  readonly destination?: NodeJS.WritableStream | string;
}

/**
 * The installed logging: its logger and how many lines were withheld.
 *
 * @example
 * ```ts
 * import type { LoggingInstallation } from '@agentry/monitoring';
 *
 * declare const logging: LoggingInstallation;
 * logging.logger.info({ orderId: 'o-1' }, 'order reviewed');
 * console.log(logging.withheldLines());
 * ```
 */
export interface LoggingInstallation {
  /** The logger provided as the logger service. */
  readonly logger: Logger;
  /** Lines withheld because the installed masker threw on them (each is replaced by an error line). */
  withheldLines(): number;
  /** Stops logging events and closes a file destination; also registered with `host.onShutdown`. */
  close(): Promise<void>;
}

/**
 * Installs monitoring's logging in a plug-in's `setup`: a pino logger configured by the
 * `monitoring.logging` section, provided as the logger service, and a subscriber of `host.events$`
 * that writes a line for each agent run's start, end and failure, model errors, retries and
 * fallbacks, tool calls (debug) and workflow run and step events, each with the ids that place it
 * (`agentId`, `runId`, `step`, `workflowId`, `stepId`) and `trace_id` and `span_id` when an
 * OpenTelemetry span is active (read through `@opentelemetry/api` when it is installed; it is an
 * optional peer dependency).
 *
 * `level` filters lines; `format` `json` writes pino's JSON lines and `text` a line for a
 * terminal; `structured: false` writes the message alone. Every line passes through the installed
 * masker (`services.masker`, looked up per line), and API keys, bearer tokens and fields named
 * like credentials are always masked, with or without a masker.
 *
 * @throws AgentryError `config_invalid` when the section or the destination is not valid, or the
 *   file cannot be opened for writing
 * @throws AgentryError `plugin_duplicate` when another plug-in already provides a logger
 * @example
 * ```ts
 * import { definePlugin } from '@agentry/core';
 * import { installLogging } from '@agentry/monitoring';
 *
 * export const logs = () =>
 *   definePlugin({
 *     name: 'agentry-plugin-logs',
 *     version: '1.0.0',
 *     async setup(host) {
 *       const logging = await installLogging(
 *         host,
 *         { level: 'info', format: 'json', structured: true, compliance: { soc2: false, gdpr: false, auditTrail: false, dataRetention: 30 } },
 *         { destination: process.stderr },
 *       );
 *       logging.logger.info('logging installed');
 *     },
 *   });
 * ```
 */
export async function installLogging(
  host: LoggingHost,
  config: LoggingConfig,
  options: InstallLoggingOptions = {},
): Promise<LoggingInstallation> {
  const parsed = loggingConfigSchema.safeParse(config);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `monitoring.logging.${issue.path.join('.')}: ${issue.message}`,
    );
    throw new AgentryError({
      code: 'config_invalid',
      message: `The logging configuration is not valid: ${problems.join('; ')}`,
      details: { problems },
      suggestions: ['Fix monitoring.logging as each problem says.'],
    });
  }
  const readTraceIds = await loadTraceIdsReader();
  const handle = await createPinoLogger({
    config: parsed.data,
    destination: options.destination,
    lookup: (key) => host.lookup(key),
    readTraceIds,
  });
  try {
    host.provide(services.logger, handle.logger);
  } catch (error) {
    await handle.close();
    throw error;
  }
  const subscription = host.events$.subscribe(
    createEventLogger(handle.logger, handle.isLevelEnabled),
  );
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      subscription.unsubscribe();
      await handle.close();
    })();
    return closing;
  };
  host.onShutdown(close);
  return { logger: handle.logger, withheldLines: handle.withheldLines, close };
}
