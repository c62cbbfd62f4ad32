import type { PluginHost } from '@agentry/core';

/** The parts of the plug-in host that logging uses. @internal */
export type LoggingHost = Pick<PluginHost, 'events$' | 'lookup' | 'provide' | 'onShutdown'>;

/** The parts of the plug-in host that the compliance runtime uses. @internal */
export type ComplianceHost = Pick<
  PluginHost,
  'lookup' | 'provide' | 'onShutdown' | 'onReady' | 'purgeExpired'
>;
