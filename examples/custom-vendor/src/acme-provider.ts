import { definePlugin, type AgentryPlugin, type ProviderConnectionOptions } from '@agentry/core';
import { createAcmeProvider } from './create-acme-provider.js';
import { VERSION } from './version.js';

/** The plug-in's name: its npm package name. */
export const PLUGIN_NAME = '@agentry/example-custom-vendor';

/**
 * The plug-in that serves Agentry's `acme` provider type, so that models read `acme:acme-large`.
 * It installs beside `@agentry/openai` (and the other built-in providers), since it claims a type
 * of its own; it closes its connection pool when Agentry shuts down.
 *
 * @param options - the connection options (see {@link createAcmeProvider})
 * @throws AgentryError `validation_failed` for an endpoint that is not an http(s) URL
 * @example
 * ```ts
 * const agentry = await createAgentry({ config, plugins: [openaiPlugin(), acmeProvider()] });
 * const agent = agentry.createAgent({ model: 'acme:acme-large' });
 * ```
 */
export function acmeProvider(options: ProviderConnectionOptions = {}): AgentryPlugin {
  const provider = createAcmeProvider(options);
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
