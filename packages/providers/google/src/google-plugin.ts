import { definePlugin, type AgentryPlugin } from '@agentry/core';
import { createGoogle, type GoogleProviderOptions } from './create-google.js';
import { VERSION } from './version.js';

/**
 * Creates the Google plug-in: it serves the `google` provider type with {@link createGoogle}'s
 * factory, so that models named `google:<model>` (such as `google:gemini-3.5-flash`) run on
 * Gemini, and closes the factory's connection pool when Agentry shuts down.
 *
 * @param options - passed to {@link createGoogle}
 * @throws AgentryError `validation_failed` for options {@link createGoogle} refuses
 * @example
 * ```ts
 * import { createAgentry, loadConfiguration } from '@agentry/core';
 * import { googlePlugin } from '@agentry/google';
 *
 * const agentry = await createAgentry({
 *   config: await loadConfiguration('agentry.config.json'),
 *   plugins: [googlePlugin({ apiKey: process.env.GEMINI_API_KEY })],
 * });
 * const agent = agentry.createAgent({ model: 'google:gemini-3.5-flash' });
 * ```
 */
export function googlePlugin(options: GoogleProviderOptions = {}): AgentryPlugin {
  const factory = createGoogle(options);
  return definePlugin({
    name: '@agentry/google',
    version: VERSION,
    // Released together with core (one fixed version group), so it needs core's same minor.
    requires: { '@agentry/core': `^${VERSION}` },
    providers: [factory],
    setup(host) {
      host.onShutdown(() => factory.close());
    },
  });
}
