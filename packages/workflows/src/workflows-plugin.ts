import { definePlugin, type AgentryPlugin } from '@agentry/core';
import { workflowsConfigSchema, type WorkflowsConfig } from './definitions/index.js';
import { runRecordHandlers } from './runner/run-record-handler.js';
import { VERSION } from './version.js';

/**
 * Creates the workflows plug-in. Installing it lets the configuration hold a `workflows` section
 * (validated by {@link workflowsConfigSchema}): the registered workflow definitions and templates,
 * each checked by the specification's rules with problems reported at their paths, and the
 * defaults the runner uses where a workflow says nothing. It also tells core how to treat stored
 * runs in `agentry.erase({ userId })` (a run started with that `userId` is removed with its journal)
 * and `agentry.purgeExpired({ before })` (a finished run last changed before the limit is removed
 * with its journal; an unfinished run never is).
 *
 * @example
 * ```ts
 * import { createAgentry, loadConfiguration } from '@agentry/core';
 * import { workflows } from '@agentry/workflows';
 *
 * // agentry.config.json holds the core sections and a "workflows" section.
 * const agentry = await createAgentry({
 *   config: await loadConfiguration('agentry.config.json'),
 *   plugins: [workflows()],
 * });
 * agentry.config.workflows?.defaults.store; // typed
 * ```
 */
export function workflows(): AgentryPlugin<WorkflowsConfig> {
  return definePlugin({
    name: '@agentry/workflows',
    version: VERSION,
    // Released together with core (one fixed version group), so it needs core's same minor.
    requires: { '@agentry/core': `^${VERSION}` },
    config: { key: 'workflows', schema: workflowsConfigSchema },
    setup(host) {
      for (const handler of runRecordHandlers) host.handleRecords(handler);
    },
  });
}

declare module '@agentry/core' {
  interface PluginSections {
    /** The `workflows` section, validated by `@agentry/workflows`. */
    workflows: WorkflowsConfig;
  }
}
