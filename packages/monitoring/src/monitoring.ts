import { definePlugin, type AgentryPlugin } from '@agentry/core';
import { enabledFrameworks, monitoringControls } from './compliance/index.js';
import { monitoringConfigSchema, type MonitoringConfig } from './config/index.js';
import { VERSION } from './version.js';

/**
 * Creates the monitoring plug-in. Installing it lets the configuration hold a `monitoring` section
 * (validated by {@link monitoringConfigSchema}); `logging.compliance.soc2` and
 * `logging.compliance.gdpr` in that section switch the SOC 2 and GDPR baselines on, and the plug-in
 * contributes the checks of the controls that read the section ({@link monitoringControls}).
 * Metrics, exporters, structured logs and alerts themselves arrive in later releases.
 *
 * The section is optional. Without it, `agentry.config.monitoring` is `undefined` and no
 * compliance framework is switched on: `agentry.compliance.frameworks` is empty and no control is
 * reported as passed.
 *
 * @example
 * ```ts
 * import { createAgentry, loadConfiguration } from '@agentry/core';
 * import { monitoring } from '@agentry/monitoring';
 *
 * // agentry.config.json holds the core sections and a "monitoring" section.
 * const agentry = await createAgentry({
 *   config: await loadConfiguration('agentry.config.json'),
 *   plugins: [monitoring()],
 * });
 * agentry.config.monitoring?.logging.compliance.soc2; // typed: boolean | undefined
 * ```
 */
export function monitoring(): AgentryPlugin<MonitoringConfig> {
  return definePlugin({
    name: '@agentry/monitoring',
    version: VERSION,
    // Released together with core (one fixed version group), so it needs core's same minor.
    requires: { '@agentry/core': `^${VERSION}` },
    // Optional: without the section the plug-in switches no framework on and claims nothing.
    config: { key: 'monitoring', schema: monitoringConfigSchema, required: false },
    compliance: { enabledFrameworks, controls: monitoringControls },
  });
}

declare module '@agentry/core' {
  interface PluginSections {
    /** The `monitoring` section, validated by `@agentry/monitoring`. */
    monitoring: MonitoringConfig;
  }
}
