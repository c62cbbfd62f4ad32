import type { AgentryPlugin } from './plugin-types.js';

/**
 * Declares a plug-in. It returns the definition unchanged but typed, so that `setup` sees its own
 * section's type; the registry checks it when it is installed.
 *
 * @example
 * ```ts
 * import { definePlugin, VERSION } from '@agentry/core';
 * import { z } from 'zod';
 *
 * export const greeter = definePlugin({
 *   name: 'agentry-plugin-greeter',
 *   version: '1.0.0',
 *   requires: { '@agentry/core': '^0.1.0' },
 *   config: { key: 'greeter', schema: z.strictObject({ greeting: z.string() }) },
 *   setup(host) {
 *     host.onShutdown(() => console.log(`${host.section.greeting}, and goodbye`));
 *   },
 * });
 * ```
 */
export function definePlugin<TSection>(plugin: AgentryPlugin<TSection>): AgentryPlugin<TSection> {
  return plugin;
}
