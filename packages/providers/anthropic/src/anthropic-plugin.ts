import { definePlugin, type AgentryPlugin } from '@agentry/core';
import { createAnthropic, type AnthropicProviderOptions } from './create-anthropic.js';
import { VERSION } from './version.js';

/**
 * Creates the Anthropic plug-in: it serves the `anthropic` provider type with
 * {@link createAnthropic}'s factory, so `anthropic:<model>` ids resolve, API keys in the
 * configuration are checked for Anthropic's format, and the connection pool closes when the
 * Agentry instance shuts down. A provider entry's API key and endpoint in the configuration win
 * over `options`.
 *
 * @param options - the factory's options (credentials, endpoint, pool, timeout, headers, models)
 * @example
 * ```ts
 * import { createAgentry, loadConfiguration } from '@agentry/core';
 * import { anthropicPlugin } from '@agentry/anthropic';
 *
 * // agentry.config.json has a provider of type "anthropic" whose apiKey is "${env:ANTHROPIC_API_KEY}".
 * const agentry = await createAgentry({
 *   config: await loadConfiguration('agentry.config.json'),
 *   plugins: [anthropicPlugin()],
 * });
 * const agent = agentry.createAgent({ model: 'anthropic:claude-sonnet-5-5' });
 * ```
 */
export function anthropicPlugin(options: AnthropicProviderOptions = {}): AgentryPlugin {
  const provider = createAnthropic(options);
  return definePlugin({
    name: '@agentry/anthropic',
    version: VERSION,
    // Released together with core (one fixed version group), so it needs core's same minor.
    requires: { '@agentry/core': `^${VERSION}` },
    providers: [provider],
    setup(host) {
      host.onShutdown(() => provider.close());
    },
  });
}
