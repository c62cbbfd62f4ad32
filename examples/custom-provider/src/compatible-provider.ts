import { definePlugin, type AgentryPlugin } from '@agentry/core';
import type { CompatibleProviderOptions } from './compatible-provider-options.js';
import { createCompatibleProvider } from './create-compatible-provider.js';
import { VERSION } from './version.js';

/** The plug-in's name: its npm package name. */
export const PLUGIN_NAME = '@agentry/example-custom-provider';

/**
 * The plug-in that serves an OpenAI-compatible server as Agentry's `openai` provider type: install
 * it in place of `@agentry/openai`. It closes its connection pool when Agentry shuts down.
 *
 * @param options - the server, its key and its models (see {@link createCompatibleProvider})
 * @throws AgentryError `validation_failed` for invalid options, as `createCompatibleProvider` does
 * @example
 * ```ts
 * const agentry = await createAgentry({
 *   config,
 *   plugins: [compatibleProvider({ endpoint: 'http://localhost:11434/v1', models: [{ name: 'llama3.2' }] })],
 * });
 * const agent = agentry.createAgent({ model: 'openai:llama3.2' });
 * ```
 */
export function compatibleProvider(options: CompatibleProviderOptions): AgentryPlugin {
  const provider = createCompatibleProvider(options);
  return definePlugin({
    name: PLUGIN_NAME,
    version: VERSION,
    requires: { '@agentry/core': '^0.1.0' },
    providers: [provider],
    setup(host) {
      host.onShutdown(() => provider.close());
    },
  });
}
