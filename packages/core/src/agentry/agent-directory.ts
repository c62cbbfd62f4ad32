import { z } from 'zod';
import { configurationError } from '../config/configuration-error.js';
import type { ConfigurationIssue } from '../config/configuration-issue.js';
import { maskSecret } from '../config/mask-secrets.js';
import { toConfigurationIssues } from '../config/zod-issues.js';
import type { PluginRegistry } from '../plugins/index.js';
import { describeMissingProvider } from '../plugins/missing-provider.js';
import { agentInstanceSchema, type AgentInstance } from '../schemas/agent-instance.js';
import type { ModelRegistry } from '../schemas/model-registry.js';
import { formatPath } from '../schemas/serializable.js';

/**
 * The agents an Agentry instance holds, by id. It checks the spec's rules for every agent it
 * takes: the id is a UUID not already held, the model is registered in the model registry, the
 * state is serializable, and an agent's own API key has its provider's format.
 *
 * @example
 * ```ts
 * import type { AgentDirectory, Agentry } from '@agentry/core';
 *
 * declare const agentry: Agentry;
 * const directory: AgentDirectory = agentry.agents;
 * for (const instance of directory.list()) console.log(instance.id, instance.state.status);
 * console.log(`${directory.size} agents`);
 * ```
 */
export interface AgentDirectory {
  /**
   * Validates an agent and holds it.
   *
   * @throws AgentryError `config_invalid` listing every problem (issue codes
   *   `validation_failed`, `not_serializable`, `duplicate_id`, `unknown_model`,
   *   `invalid_api_key_format`, `plugin_missing`)
   */
  add(agent: AgentInstance): AgentInstance;
  /** The agent with this id. */
  get(id: string): AgentInstance | undefined;
  /** Whether an agent with this id is held. */
  has(id: string): boolean;
  /** Stops holding an agent; returns whether it was held. */
  remove(id: string): boolean;
  /** Every agent held, in the order added. */
  list(): AgentInstance[];
  /** How many agents are held. */
  readonly size: number;
}

/** @internal */
export function createAgentDirectory(
  models: ModelRegistry,
  registry: PluginRegistry,
): AgentDirectory {
  const agents = new Map<string, AgentInstance>();
  return {
    add(agent) {
      const issues = checkAgent(agent, [], models, registry, agents);
      if (issues.length > 0) throw configurationError(issues, 'agent');
      agents.set(agent.id, agent);
      return agent;
    },
    get: (id) => agents.get(id),
    has: (id) => agents.has(id),
    remove: (id) => agents.delete(id),
    list: () => [...agents.values()],
    get size() {
      return agents.size;
    },
  };
}

/**
 * Checks one agent against the schema and the instance's registries; `prefix` places its issues
 * (`agents[2]`).
 *
 * @internal
 */
export function checkAgent(
  agent: unknown,
  prefix: (string | number)[],
  models: ModelRegistry,
  registry: PluginRegistry,
  held: ReadonlyMap<string, unknown>,
): ConfigurationIssue[] {
  const result = z.safeEncode(agentInstanceSchema, agent as AgentInstance);
  if (!result.success) {
    return toConfigurationIssues(result.error.issues, {
      schema: agentInstanceSchema,
      input: agent,
      prefix,
      secretPaths: new Set(),
    });
  }
  const issues: ConfigurationIssue[] = [];
  const instance = agent as AgentInstance;
  const at = (segments: (string | number)[]) => ({
    path: formatPath([...prefix, ...segments]),
    segments: [...prefix, ...segments],
  });
  if (held.has(instance.id)) {
    issues.push({
      ...at(['id']),
      code: 'duplicate_id',
      message: `Agent id ${instance.id} is already in use in this Agentry instance.`,
      received: instance.id,
      suggestion: 'Give each agent its own id (crypto.randomUUID()).',
    });
  }
  const modelId = `${instance.model.provider}:${instance.model.model}`;
  if (!Object.hasOwn(models.availableModels, modelId)) {
    const registered = Object.keys(models.availableModels);
    issues.push({
      ...at(['model', 'model']),
      code: 'unknown_model',
      message: `Model ${modelId} is not registered in the model registry.`,
      received: instance.model.model,
      suggestion:
        registered.length > 0
          ? `Use one of: ${registered.join(', ')}; or register it under models.availableModels.`
          : 'Register the model under models.availableModels.',
    });
  }
  if (instance.model.apiKey !== undefined) {
    const descriptor = registry.provider(instance.model.provider);
    if (!descriptor) {
      const missing = describeMissingProvider(instance.model.provider, registry);
      issues.push({
        ...at(['model', 'provider']),
        code: 'plugin_missing',
        message: `The agent's own API key cannot be checked: ${missing.clause}.`,
        received: instance.model.provider,
        suggestion: missing.suggestion,
      });
    } else {
      const problem = descriptor.validateApiKey(instance.model.apiKey);
      if (problem)
        issues.push({
          ...at(['model', 'apiKey']),
          code: 'invalid_api_key_format',
          message: `The agent's API key does not look like a key for ${instance.model.provider}: ${problem}`,
          received: maskSecret(instance.model.apiKey),
          suggestion: `Check that the key was copied whole and belongs to ${instance.model.provider}.`,
        });
    }
  }
  return issues;
}
