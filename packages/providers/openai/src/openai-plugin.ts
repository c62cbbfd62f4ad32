import { definePlugin, type AgentryPlugin } from '@agentry/core';
import { createOpenAI } from './create-openai.js';
import type { OpenAIProviderOptions } from './openai-provider-options.js';
import { VERSION } from './version.js';

/**
 * Creates the OpenAI plug-in: it contributes the `openai` provider ({@link createOpenAI} with
 * these options), so that agents can use `openai:<model>` ids, and closes the provider's
 * connection pool when the Agentry instance shuts down. It owns no configuration section: the
 * provider's entry under `authentication.providers` gives each model its key and endpoint, which
 * win over `options`.
 *
 * @param options - the provider options (connection options, API, models)
 * @throws AgentryError `validation_failed` when `api` or `endpoint` is not valid
 * @example
 * ```ts
 * import { createAgentry, loadConfiguration } from '@agentry/core';
 * import { openaiPlugin } from '@agentry/openai';
 *
 * const agentry = await createAgentry({
 *   config: await loadConfiguration('agentry.config.json'),
 *   plugins: [openaiPlugin({ api: 'responses' })],
 * });
 * const agent = agentry.createAgent({ model: 'openai:gpt-5.4-mini' });
 * ```
 */
export function openaiPlugin(options: OpenAIProviderOptions = {}): AgentryPlugin {
  const provider = createOpenAI(options);
  return definePlugin({
    name: '@agentry/openai',
    version: VERSION,
    // Released together with core (one fixed version group), so it needs core's same minor.
    requires: { '@agentry/core': `^${VERSION}` },
    providers: [provider],
    setup(host) {
      host.onShutdown(() => provider.close());
    },
  });
}
