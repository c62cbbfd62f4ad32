import type { PluginHost } from '@agentry/core';

/**
 * The parts of the plug-in host that `installLogging` uses: a `PluginHost` has them all.
 *
 * @example
 * ```ts
 * import type { PluginHost } from '@agentry/core';
 * import type { LoggingHost } from '@agentry/monitoring';
 *
 * declare const host: PluginHost;
 * const forLogging: LoggingHost = host;
 * ```
 */
export type LoggingHost = Pick<PluginHost, 'events$' | 'lookup' | 'provide' | 'onShutdown'>;

/**
 * The parts of the plug-in host that `installCompliance` uses: a `PluginHost` has them all.
 *
 * @example
 * ```ts
 * import type { PluginHost } from '@agentry/core';
 * import type { ComplianceHost } from '@agentry/monitoring';
 *
 * declare const host: PluginHost;
 * const forCompliance: ComplianceHost = host;
 * ```
 */
export type ComplianceHost = Pick<
  PluginHost,
  'lookup' | 'provide' | 'onShutdown' | 'onReady' | 'purgeExpired'
>;
