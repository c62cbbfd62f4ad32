import { resolve } from 'node:path';
import {
  AgentryError,
  definePlugin,
  services,
  type AgentryPlugin,
  type Logger,
  type PluginHost,
} from '@agentry/core';
import { installAlerts, type AlertsHandle, type AlertsOptions } from './alerts/index.js';
import { auditSecurityEvents } from './compliance/runtime/audit-security-events.js';
import {
  createMonitoringControls,
  enabledFrameworks,
  installCompliance,
  type AuditTrailDestination,
  type ComplianceInstallation,
  type RetentionScheduleOptions,
} from './compliance/index.js';
import { monitoringConfigSchema, type MonitoringConfig } from './config/index.js';
import { installLogging, type InstallLoggingOptions } from './logging/index.js';
import { installMetrics, type MetricsHandle, type MetricsOptions } from './metrics/index.js';
import type * as TracingModuleNamespace from './otel/index.js';
import type { InstallTracingOptions, TracingInstallation } from './otel/index.js';
import { VERSION } from './version.js';

/** The port the Prometheus exporter listens on when no other is given (the port registered for it). */
export const DEFAULT_PROMETHEUS_PORT = 9464;

/**
 * How the monitoring plug-in runs: what the configuration section cannot say (objects such as
 * streams, stores and OpenTelemetry providers, ports and files). Every part is optional; the
 * defaults are stated on each.
 *
 * @example
 * ```ts
 * import { createAgentry, loadConfiguration } from '@agentry/core';
 * import { monitoring, type MonitoringOptions } from '@agentry/monitoring';
 *
 * const options: MonitoringOptions = {
 *   metrics: { prometheus: { port: 9464, host: '0.0.0.0' }, json: { path: 'metrics.jsonl' } },
 *   logging: { destination: 'logs/agentry.log' },
 *   auditTrail: { file: 'audit/agentry-audit.jsonl' },
 *   alerts: { windowMs: 120_000, cooldownMs: 600_000 },
 * };
 * const agentry = await createAgentry({
 *   config: await loadConfiguration('agentry.config.json'),
 *   plugins: [monitoring(options)],
 * });
 * ```
 */
export interface MonitoringOptions {
  /**
   * The metrics exporters. With `prometheus` in `exportFormats`, a server of its own is started
   * on `127.0.0.1:9464` unless `prometheus` says otherwise; `prometheus: false` starts none (mount
   * {@link MetricsHandle.prometheusHandler} on your own server instead). With `json` listed, the
   * lines go to `agentry-metrics.jsonl` in the working directory unless `json` says otherwise.
   */
  readonly metrics?: Omit<MetricsOptions, 'prometheus'> & {
    /** The Prometheus exporter's own server (`{ port, host, path }`), or `false` for none. */
    readonly prometheus?: MetricsOptions['prometheus'] | false;
  };
  /**
   * OpenTelemetry, used when `exportFormats` lists `otlp`: the providers (default: the global
   * ones registered with `@opentelemetry/api`, for example by `@agentry/monitoring-otel`) and
   * whether message content is recorded (off by default; masked when on).
   */
  readonly tracing?: InstallTracingOptions;
  /** Where log lines go; standard output by default. */
  readonly logging?: InstallLoggingOptions;
  /**
   * Where the audit trail is kept when `logging.compliance.auditTrail` is on; default the file
   * `agentry-audit.jsonl` in the working directory.
   */
  readonly auditTrail?: AuditTrailDestination;
  /**
   * How the data-retention purge runs (default: once at start, then daily); `false` switches the
   * schedule off (then `handle.compliance.purgeNow()` is the only way to purge).
   */
  readonly retention?: Omit<RetentionScheduleOptions, 'onPurge'> | false;
  /** How alerts judge and deliver: window, interval, cooldown, retries. */
  readonly alerts?: AlertsOptions;
}

/**
 * What the monitoring plug-in runs, once `createAgentry` has set it up: query metrics, evaluate
 * alerts, purge now, read the audit trail.
 *
 * @example
 * ```ts
 * import { createAgentry, loadConfiguration } from '@agentry/core';
 * import { monitoring } from '@agentry/monitoring';
 *
 * const monitor = monitoring({ metrics: { prometheus: false } });
 * await createAgentry({ config: await loadConfiguration('agentry.config.json'), plugins: [monitor] });
 * const { metrics, alerts } = monitor.handle;
 * const lastMinute = metrics.summary({ windowMs: 60_000 });
 * console.log(`${lastMinute.requests} requests, ${lastMinute.errorRatePercent}% errors`);
 * await alerts.evaluate();
 * ```
 */
export interface MonitoringHandle {
  /** The metrics: window queries, summaries, the Prometheus text and handler. */
  readonly metrics: MetricsHandle;
  /** The alerts: evaluate now, their states, deliveries per channel. */
  readonly alerts: AlertsHandle;
  /** Monitoring's logger (also `host.logger` and `agentry.logger`). */
  readonly logger: Logger;
  /** The audit trail and the retention schedule. */
  readonly compliance: ComplianceInstallation;
  /** The OpenTelemetry instrumentation, when `exportFormats` lists `otlp`. */
  readonly tracing: TracingInstallation | undefined;
}

/**
 * The monitoring plug-in: {@link monitoring}'s result, an Agentry plug-in with a handle on what it
 * runs.
 *
 * @example
 * ```ts
 * import { monitoring, type MonitoringPlugin } from '@agentry/monitoring';
 *
 * const plugin: MonitoringPlugin = monitoring();
 * // After createAgentry({ ..., plugins: [plugin] }): plugin.handle.metrics.renderPrometheus()
 * ```
 */
export interface MonitoringPlugin extends AgentryPlugin<MonitoringConfig> {
  /**
   * What the plug-in runs in the instance it was set up in.
   *
   * @throws AgentryError `invalid_transition` before `createAgentry` has set the plug-in up, or
   *   when the configuration has no `monitoring` section
   */
  readonly handle: MonitoringHandle;
}

/**
 * Creates the monitoring plug-in. Installing it lets the configuration hold a `monitoring` section
 * (validated by {@link monitoringConfigSchema}), and when the section is present every agent and
 * workflow run the instance makes is measured, exported, logged and alerted on, with no other
 * code:
 *
 * - **logs** on pino (`logging.level`, `format`, `structured`), masked through the `Masker`
 *   service when one is installed and always free of API keys; the logger becomes `host.logger`
 *   and `agentry.logger`;
 * - **metrics** from `host.events$` (`metrics.enabled`, `collectionInterval`, `retentionPeriod`),
 *   exported as `exportFormats` lists: `prometheus` (a `/metrics` server), `otlp` (OpenTelemetry
 *   spans and metrics through `@opentelemetry/api`), `json` (JSON lines);
 * - **alerts** (`alerts`, `performanceThresholds`) over a sliding window, to webhook, Slack,
 *   email and SMS channels;
 * - **compliance** at run time: the audit trail (`logging.compliance.auditTrail`, which also
 *   records plug-ins' security events, each access decision included), the
 *   data-retention purge (`dataRetention` days), and an audit entry for each GDPR erasure
 *   (`agentry.erase({ userId })`); `soc2` and `gdpr` switch the baselines' controls on.
 *
 * Without the section the plug-in does nothing at run time and no compliance framework is
 * switched on. Everything stops on `agentry.shutdown()`. One plug-in object serves one instance.
 *
 * @throws AgentryError (from `createAgentry`, as `plugin_setup_failed` with the cause)
 *   `config_invalid` when the options are invalid, an exporter cannot bind its port or open its
 *   file, or an alert needs metrics that `metrics.enabled: false` switched off
 * @example
 * ```ts
 * import { createAgentry, loadConfiguration } from '@agentry/core';
 * import { monitoring } from '@agentry/monitoring';
 *
 * // agentry.config.json holds the core sections and a "monitoring" section.
 * const monitor = monitoring();
 * const agentry = await createAgentry({
 *   config: await loadConfiguration('agentry.config.json'),
 *   plugins: [monitor],
 * });
 * // Prometheus scrapes http://127.0.0.1:9464/metrics; alerts go to the configured channels.
 * console.log(monitor.handle.metrics.summary({ windowMs: 60_000 }).requests);
 * ```
 */
export function monitoring(options: MonitoringOptions = {}): MonitoringPlugin {
  const auditTrail = options.auditTrail ?? { file: resolve('agentry-audit.jsonl') };
  let handle: MonitoringHandle | undefined;
  const plugin = definePlugin<MonitoringConfig>({
    name: '@agentry/monitoring',
    version: VERSION,
    // Released together with core (one fixed version group), so it needs core's same minor.
    requires: { '@agentry/core': `^${VERSION}` },
    // Optional: without the section the plug-in switches no framework on and claims nothing.
    config: { key: 'monitoring', schema: monitoringConfigSchema, required: false },
    compliance: {
      enabledFrameworks,
      controls: createMonitoringControls({
        logging: true,
        compliance: { auditTrail, retention: options.retention ?? {} },
      }),
    },
    setup: async (host) => {
      if (handle !== undefined) {
        throw new AgentryError({
          code: 'invalid_transition',
          message: 'This monitoring() plug-in is already set up in another Agentry instance.',
          suggestions: ['Call monitoring() once for each instance created with createAgentry.'],
        });
      }
      // The section is optional (the plug-in's config says so), so it may be absent at run time.
      const section = host.section as MonitoringConfig | undefined;
      if (section === undefined) return;
      handle = await start(host, section, options, auditTrail);
    },
  });
  return Object.defineProperty(plugin, 'handle', {
    enumerable: false,
    get(): MonitoringHandle {
      if (handle === undefined) {
        throw new AgentryError({
          code: 'invalid_transition',
          message:
            'monitoring().handle is not available: the plug-in is not set up, or the configuration has no monitoring section.',
          suggestions: [
            'Read handle after createAgentry({ plugins: [plugin] }) has resolved.',
            'Add a "monitoring" section to the configuration.',
          ],
        });
      }
      return handle;
    },
  }) as MonitoringPlugin;
}

async function start(
  host: PluginHost<MonitoringConfig>,
  section: MonitoringConfig,
  options: MonitoringOptions,
  auditTrail: AuditTrailDestination,
): Promise<MonitoringHandle> {
  requireMetricsForAlerts(section);
  // Each part stops on host.onShutdown; a part that fails to start stops those started before it.
  const stops: (() => Promise<void>)[] = [];
  try {
    const logging = await installLogging(host, section.logging, options.logging);
    stops.push(() => logging.close());
    const formats = new Set(section.metrics.exportFormats);
    const metrics = await installMetrics(host, section.metrics, metricsOptions(formats, options));
    stops.push(() => metrics.close());
    const compliance = installCompliance(host, section.logging.compliance, {
      logger: logging.logger,
      auditTrail,
      retention:
        options.retention === false
          ? false
          : {
              ...options.retention,
              // Kept metrics older than the limit go too: the registry's ring already drops what
              // is older than retentionPeriod, and dataRetention may be shorter.
              onPurge: (before) => {
                metrics.registry.ring.dropBefore(before.getTime());
              },
            },
    });
    stops.push(() => compliance.stop());
    const trail = compliance.auditTrail;
    if (trail !== undefined) {
      // Security events (every access decision, allowed or denied) go to the trail while it is
      // the instance's audit sink; a failed append is logged and counted by the trail itself.
      const audited = auditSecurityEvents({
        events$: host.events$,
        trail,
        isCurrentSink: () => host.lookup(services.auditSink) === trail,
        onError: () => undefined,
      });
      stops.push(() => audited.close());
      host.onShutdown(() => audited.close());
    }
    // Loaded only when asked for: the OpenTelemetry API is an optional peer dependency.
    const tracing =
      section.metrics.enabled && formats.has('otlp')
        ? (await loadTracing()).installTracing(host, options.tracing)
        : undefined;
    const alerts = installAlerts({
      alerts: section.alerts,
      thresholds: section.performanceThresholds,
      signals: metrics,
      events$: host.events$,
      logger: logging.logger.child({ component: 'alerts' }),
      // Looked up at each append, so a sink another plug-in provides later (security's
      // tamper-evident log) receives the alerts too.
      audit: {
        append: (entry) => host.lookup(services.auditSink)?.append(entry) ?? Promise.resolve(),
      },
      ...(options.alerts !== undefined ? { options: options.alerts } : {}),
    });
    stops.push(() => alerts.close());
    host.onShutdown(() => alerts.close());
    return { metrics, alerts, logger: logging.logger, compliance, tracing };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw error;
  }
}

type TracingModule = typeof TracingModuleNamespace;

async function loadTracing(): Promise<TracingModule> {
  try {
    return await import('./otel/index.js');
  } catch (error) {
    throw new AgentryError({
      code: 'config_invalid',
      message:
        'monitoring.metrics.exportFormats lists "otlp", but @opentelemetry/api cannot be loaded: ' +
        (error instanceof Error ? error.message : String(error)),
      details: { path: 'monitoring.metrics.exportFormats' },
      suggestions: [
        'Install @opentelemetry/api (npm install @opentelemetry/api), and an SDK such as @agentry/monitoring-otel.',
        'Or remove "otlp" from monitoring.metrics.exportFormats.',
      ],
      cause: error,
    });
  }
}

function metricsOptions(formats: ReadonlySet<string>, options: MonitoringOptions): MetricsOptions {
  const { prometheus, json, ...rest } = options.metrics ?? {};
  return {
    ...rest,
    ...(formats.has('prometheus') && prometheus !== false
      ? { prometheus: prometheus ?? { port: DEFAULT_PROMETHEUS_PORT, host: '127.0.0.1' } }
      : {}),
    ...(formats.has('json') ? { json: json ?? { path: resolve('agentry-metrics.jsonl') } } : {}),
  };
}

/** Error and performance alerts judge metrics: with metrics switched off they could never fire. */
function requireMetricsForAlerts(section: MonitoringConfig): void {
  if (section.metrics.enabled) return;
  const needing = section.alerts.flatMap((alert, index) =>
    alert.type === 'security' ? [] : [`monitoring.alerts[${index}]`],
  );
  if (needing.length === 0) return;
  throw new AgentryError({
    code: 'config_invalid',
    message: `${needing.join(', ')} judge metrics, but monitoring.metrics.enabled is false: these alerts could never fire.`,
    details: { paths: needing },
    suggestions: [
      'Set monitoring.metrics.enabled to true.',
      'Or remove the error and performance alerts; security alerts need no metrics.',
    ],
  });
}

declare module '@agentry/core' {
  interface PluginSections {
    /** The `monitoring` section, validated by `@agentry/monitoring`. */
    monitoring: MonitoringConfig;
  }
}
