import type { ComplianceReport } from '../compliance/index.js';
import { configurationError } from '../config/configuration-error.js';
import type { SDKConfiguration } from '../config/sdk-configuration.js';
import {
  validateConfiguration,
  type ValidateConfigurationOptions,
} from '../config/validate-configuration.js';
import { AgentryError } from '../errors/index.js';
import { createPluginRegistry, type AgentryPlugin, type PluginRegistry } from '../plugins/index.js';
import type { AgentInstance } from '../schemas/agent-instance.js';
import { VERSION } from '../version.js';
import { checkAgent, createAgentDirectory, type AgentDirectory } from './agent-directory.js';

/** Options of {@link createAgentry}. */
export interface CreateAgentryOptions extends Omit<
  ValidateConfigurationOptions,
  'registry' | 'plugins'
> {
  /** The configuration: an object, or what `loadConfiguration` returned. */
  config: unknown;
  /** The plug-ins to install, in order. */
  plugins?: readonly AgentryPlugin[];
  /** Agents to hold from the start (restored from persistence, for example). */
  agents?: readonly AgentInstance[];
}

/** An assembled Agentry instance: a validated configuration, its plug-ins and its agents. */
export interface Agentry {
  /** The validated configuration, secrets resolved, deeply frozen. */
  readonly config: Readonly<SDKConfiguration>;
  /** The installed plug-ins. */
  readonly registry: PluginRegistry;
  /** The compliance frameworks switched on and the controls checked. */
  readonly compliance: ComplianceReport;
  /** The agents this instance holds. */
  readonly agents: AgentDirectory;
  /** The configuration version as read, before any migration. */
  readonly sourceVersion: string;
  /** The configuration with every secret masked, safe to print or log. */
  describeConfiguration(): Record<string, unknown>;
  /** Runs the plug-ins' shutdown hooks in reverse order; later calls do nothing. */
  shutdown(): Promise<void>;
}

/**
 * Assembles Agentry: checks the plug-ins, validates the configuration composed from core's
 * sections and theirs (resolving `${env:…}` and `${secret:…}` references), checks the initial
 * agents, then runs each plug-in's `setup`.
 *
 * @throws AgentryError `config_invalid` listing every configuration and agent problem; the
 *   registry's `plugin_duplicate`, `plugin_incompatible` and `plugin_missing`;
 *   `plugin_setup_failed` when a plug-in's setup throws (plug-ins already set up are shut down
 *   first)
 * @example
 * ```ts
 * import { createAgentry, loadConfiguration } from '@agentry/core';
 * import { security } from '@agentry/security';
 *
 * const agentry = await createAgentry({
 *   config: await loadConfiguration('agentry.config.json'),
 *   plugins: [security()],
 * });
 * console.log(agentry.describeConfiguration());
 * await agentry.shutdown();
 * ```
 */
export async function createAgentry(options: CreateAgentryOptions): Promise<Agentry> {
  const registry = createPluginRegistry(options.plugins ?? []);
  const validated = await validateConfiguration(options.config, { ...options, registry });
  const agents = createAgentDirectory(validated.config.models, registry);

  const held = new Map<string, unknown>();
  const agentIssues = (options.agents ?? []).flatMap((agent, index) => {
    const issues = checkAgent(agent, ['agents', index], validated.config.models, registry, held);
    if (issues.length === 0) held.set(agent.id, agent);
    return issues;
  });
  if (agentIssues.length > 0) throw configurationError(agentIssues, 'list of agents');
  for (const agent of options.agents ?? []) agents.add(agent);

  const shutdownHooks: (() => void | Promise<void>)[] = [];
  let shutdownPromise: Promise<void> | undefined;
  const shutdown = () => {
    shutdownPromise ??= runHooks(shutdownHooks);
    return shutdownPromise;
  };

  for (const plugin of registry.plugins) {
    if (!plugin.setup) continue;
    try {
      await plugin.setup({
        section: plugin.config ? validated.config[plugin.config.key] : undefined,
        config: validated.config,
        coreVersion: VERSION,
        onShutdown: (hook) => shutdownHooks.push(hook),
      });
    } catch (error) {
      await shutdown().catch(() => undefined);
      throw new AgentryError({
        code: 'plugin_setup_failed',
        message: `Plug-in ${plugin.name} failed to set up: ${error instanceof Error ? error.message : String(error)}`,
        details: { plugin: plugin.name },
        suggestions: [`Check ${plugin.name}'s configuration section and its README.`],
        cause: error,
      });
    }
  }

  return {
    config: validated.config,
    registry,
    compliance: validated.compliance,
    agents,
    sourceVersion: validated.sourceVersion,
    describeConfiguration: () => validated.masked(),
    shutdown,
  };
}

async function runHooks(hooks: readonly (() => void | Promise<void>)[]): Promise<void> {
  const failures: unknown[] = [];
  for (const hook of [...hooks].reverse()) {
    try {
      await hook();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) {
    throw new AgentryError({
      code: 'internal',
      message: `${failures.length} shutdown hook(s) failed; the others ran.`,
      details: {
        failures: failures.map((failure) =>
          failure instanceof Error ? failure.message : String(failure),
        ),
      },
      suggestions: ['See the cause of each failure in details.'],
      cause: failures[0],
    });
  }
}
