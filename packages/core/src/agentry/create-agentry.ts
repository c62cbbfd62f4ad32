import type { ComplianceReport } from '../compliance/index.js';
import { configurationError } from '../config/configuration-error.js';
import type { MaskedConfiguration, SDKConfiguration } from '../config/sdk-configuration.js';
import {
  validateConfiguration,
  type ValidateConfigurationOptions,
} from '../config/validate-configuration.js';
import { AgentryError } from '../errors/index.js';
import { createPluginRegistry, type AgentryPlugin, type PluginRegistry } from '../plugins/index.js';
import { describeMissingProvider } from '../plugins/missing-provider.js';
import type { AgentInstance } from '../schemas/agent-instance.js';
import { VERSION } from '../version.js';
import type { Agent } from '../agent/agent-interface.js';
import type { AgentOptions } from '../agent/agent-options.js';
import { createAgent } from '../agent/agent.js';
import {
  createCircuitBreakerRegistry,
  createModelRouter,
  type CircuitBreakerRegistry,
} from '../agent/create-model-router.js';
import type { ModelRouter } from '../agent/model-router-types.js';
import type { LanguageModel, ModelSettings } from '../model/index.js';
import type { CircuitBreakerConfig, RetryPolicyWithBackoff } from '../resilience/index.js';
import { createMemoryStore, type StateStore } from '../stores/index.js';
import { checkAgent, createAgentDirectory, type AgentDirectory } from './agent-directory.js';
import { resolveModelId } from './resolve-model-id.js';
import type { Observable } from 'rxjs';
import type { AttachRunEvents, InstanceEvent } from '../plugins/plugin-events.js';
import type { ServiceLookup } from '../plugins/plugin-services.js';
import type { Logger } from '../plugins/logger.js';
import { services as serviceKeys } from '../plugins/plugin-services.js';
import { createAuditTrail, type AuditTrail } from './audit-trail.js';
import { createPluginHooks } from './plugin-hooks.js';
import { runHooks } from './run-hooks.js';

/**
 * Options of {@link createAgentry}.
 *
 * @example
 * ```ts
 * import { createAgentry, loadConfiguration, type CreateAgentryOptions } from '@agentry/core';
 *
 * const options: CreateAgentryOptions = {
 *   config: await loadConfiguration('agentry.config.json'),
 *   // `${secret:name}` references in the configuration are asked of this function.
 *   resolveSecret: async (name) => process.env[`VAULT_${name.toUpperCase()}`],
 *   resilience: {
 *     retry: { maxAttempts: 3, baseDelay: 500, maxDelay: 8_000, jitter: true, strategy: 'exponential' },
 *     circuitBreaker: { failureThreshold: 5, recoveryTimeout: 30_000, halfOpenMaxCalls: 1 },
 *   },
 * };
 * const agentry = await createAgentry(options);
 * ```
 */
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
  /** Where agents created by `agentry.createAgent` persist their state. */
  store?: StateStore;
  /** Retries and circuit breakers for every agent's model calls. */
  resilience?: {
    /** Attempts per model and backoff. */
    retry?: RetryPolicyWithBackoff;
    /** One breaker per provider:model, shared by all agents. */
    circuitBreaker?: CircuitBreakerConfig;
    /**
     * The longest provider's retry-after, in milliseconds, slept before another attempt on the
     * same model (default 30 000); a longer one moves to the next model in the fallback chain, or
     * fails with `details.retryAfterMs`. Backoff is bounded by `retry.maxDelay`, not by this (see
     * `ModelRouterOptions.maxInlineWait`).
     */
    maxInlineWait?: number;
  };
  /**
   * Where an error thrown by a subscriber of `events$` (a plug-in's or the application's) is
   * reported; the agent or run that emitted the event goes on, and the other subscribers get it.
   * An audit sink's failed append (see `services.auditSink`) comes here too, and never fails the
   * operation audited. Default: `console.error`.
   */
  onPluginError?: (error: AgentryError) => void;
}

/**
 * What `agentry.createAgent` takes: an agent's options with the model named by id.
 *
 * @example
 * ```ts
 * import type { Agentry, AgentryAgentOptions } from '@agentry/core';
 *
 * declare const agentry: Agentry;
 * // The model by `provider:model` id; its fallback chain comes from the configuration.
 * const options: AgentryAgentOptions = {
 *   model: 'openai:gpt-5.4-mini',
 *   instructions: 'Answer in one sentence.',
 *   maxSteps: 4,
 * };
 * const agent = agentry.createAgent(options);
 * ```
 */
export interface AgentryAgentOptions extends Omit<AgentOptions, 'model' | 'store'> {
  /** `provider:model`, a bare model name (with `models.autoDetection`), or the default model. */
  model?: string;
}

/**
 * An assembled Agentry instance: a validated configuration, its plug-ins and its agents.
 *
 * @example
 * ```ts
 * import { createAgentry, loadConfiguration, type Agentry, type AgentryPlugin } from '@agentry/core';
 *
 * declare const plugins: AgentryPlugin[]; // openaiPlugin() and the others the configuration needs
 * const agentry: Agentry = await createAgentry({
 *   config: await loadConfiguration('agentry.config.json'),
 *   plugins,
 * });
 * console.log(agentry.sourceVersion, agentry.compliance.frameworks);
 * console.log(agentry.describeConfiguration()); // secrets masked
 * const agent = agentry.createAgent(); // the configuration's default model
 * console.log((await agent.send('Hello')).text);
 * await agentry.shutdown(); // shuts the agent down too
 * ```
 */
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
  /**
   * The configuration as it runs: every default filled in (shown resolved, such as
   * `apiKeyRotation: { enabled: false, rotationInterval: 24, maxAge: 720 }`), references resolved
   * and every secret masked, safe to print or log. A new copy at each call.
   */
  describeConfiguration(): MaskedConfiguration;
  /** The circuit breakers of every model used so far. */
  readonly breakers: CircuitBreakerRegistry;
  /**
   * Creates an agent on a registered model, with the configured fallback chain behind it, served
   * by the provider plug-ins, persisting to the instance's store.
   *
   * @throws AgentryError `unknown_model`; `plugin_missing` when no plug-in serves the provider;
   *   `duplicate_id` when the id is taken
   */
  createAgent(options?: AgentryAgentOptions): Agent;
  /**
   * The state store of that name: `memory` (one in-memory store per instance, made when first
   * asked for), or a store a plug-in offers, such as `sqlite` from `@agentry/store-sqlite`'s
   * `sqliteStore()` plug-in. Configuration names stores this way (the `workflows` section's
   * `defaults.store`).
   *
   * @throws AgentryError `plugin_missing` when no plug-in offers a store by that name, naming the
   *   package that would
   */
  store(name: string): StateStore;
  /**
   * Every agent's and workflow run's events in the instance, tagged with their source: the same
   * stream plug-ins see as `host.events$` (hot: a subscriber sees what is emitted from the moment
   * it subscribes).
   */
  readonly events$: Observable<InstanceEvent>;
  /**
   * Publishes a workflow runner's run events into `events$`, each tagged with its run and
   * workflow; returns a function that detaches them. `createConfiguredWorkflowRunner` calls it;
   * a runner made another way may too.
   */
  readonly attachRunEvents: AttachRunEvents;
  /** The services plug-ins provide (see `services`), for application code and runners. */
  readonly services: ServiceLookup;
  /**
   * The instance's logger: at every call, the one a plug-in provides under `services.logger`, or
   * core's default (`warn` and `error` on `console.error`, `debug` and `info` dropped; see
   * `createConsoleLogger`). Workflow runners made from the instance give task handlers a child.
   */
  readonly logger: Logger;
  /**
   * Shuts down every agent it created (each drains its queue; a turn left failed is given up; a
   * paused turn holds it until resumed or aborted), then runs the plug-ins' shutdown hooks in
   * reverse order; later calls do nothing.
   */
  shutdown(): Promise<void>;
}

/**
 * Assembles Agentry: checks the plug-ins, validates the configuration composed from core's
 * sections and theirs (resolving `${env:…}` and `${secret:…}` references), checks the initial
 * agents, then runs each plug-in's `setup`. Once every plug-in is set up, and when a plug-in
 * provides `services.auditSink`, it appends a `configuration.change` entry for the configuration
 * applied (`details.change: 'load'`, and `'migrate'` with `from` and `to` when it was migrated) and
 * one `plugin.setup` entry per installed plug-in (a failed append goes to `onPluginError`). Agents' models are created with their vendor's
 * provider entry (the `defaultProvider` when it is of that vendor): its `authentication`, with the
 * section's `oauth2` and `apiKeyRotation`, and its `endpoint`, all passed in `ModelSettings`.
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

  const stores = new Map<string, { store: StateStore; plugin: string }>();
  // The agents this instance made that may still run (see `hold`).
  const live = new Map<string, Agent>();
  const reportPluginError =
    options.onPluginError ??
    // The documented default: an error of a subscriber or a sink is printed, never dropped.
    // eslint-disable-next-line no-console
    ((error: AgentryError) => console.error(error.message, error.cause));
  const hooks = createPluginHooks(reportPluginError, () => live.values());
  for (const plugin of registry.plugins) {
    if (!plugin.setup) continue;
    try {
      await plugin.setup({
        section: plugin.config ? validated.config[plugin.config.key] : undefined,
        config: validated.config,
        coreVersion: VERSION,
        ...hooks.hostMethods(plugin.name),
        onShutdown: (hook) => shutdownHooks.push(hook),
        provideStore: (name, store) => {
          const taken = name === 'memory' ? '@agentry/core' : stores.get(name)?.plugin;
          if (taken !== undefined) {
            throw new AgentryError({
              code: 'duplicate_id',
              message: `Plug-in ${plugin.name} offers a state store named "${name}", but ${taken} already does.`,
              details: { store: name, plugin: plugin.name, owner: taken },
              suggestions: ['Give one of the stores another name in its plug-in options.'],
            });
          }
          stores.set(name, { store, plugin: plugin.name });
        },
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

  hooks.seal();
  const audit = createAuditTrail(
    () => hooks.services.lookup(serviceKeys.auditSink),
    reportPluginError,
  );
  // After every setup, so that a sink provided by any plug-in records them all.
  await auditStart(audit, validated, registry);

  const breakers = createCircuitBreakerRegistry(options.resilience?.circuitBreaker);
  // Shut-down agents leave `live` in sweeps, each when it has doubled since the last, so an
  // instance that makes an agent per task holds only the agents that can still run.
  let sweepAt = 64;
  const hold = (agent: Agent) => {
    live.set(agent.id, agent);
    if (live.size < sweepAt) return;
    for (const [id, held] of live) if (held.lifecycle === 'shut-down') live.delete(id);
    sweepAt = Math.max(64, live.size * 2);
  };
  // One model per id and one router per primary model for the instance's life: a provider's
  // model holds its client and its `maxConcurrency` cap, which must bound every agent on it.
  const models = new Map<string, LanguageModel>();
  const routers = new Map<string, ModelRouter>();
  const modelFor = (id: string): LanguageModel => {
    let model = models.get(id);
    if (model === undefined) {
      model = createModelFor(id);
      models.set(id, model);
    }
    return model;
  };
  const routerFor = (primary: string, clock: AgentOptions['clock']): ModelRouter => {
    const cached = clock === undefined ? routers.get(primary) : undefined;
    if (cached !== undefined) return cached;
    const chain = [
      primary,
      ...validated.config.models.fallbackChain.filter((id) => id !== primary),
    ];
    const router = createModelRouter({
      models: chain.map(modelFor),
      breakers,
      ...(options.resilience?.retry ? { retry: options.resilience.retry } : {}),
      ...(options.resilience?.maxInlineWait !== undefined
        ? { maxInlineWait: options.resilience.maxInlineWait }
        : {}),
      ...(clock ? { clock } : {}),
    });
    if (clock === undefined) routers.set(primary, router);
    return router;
  };
  const createModelFor = (id: string): LanguageModel => {
    const separator = id.indexOf(':');
    const type = id.slice(0, separator);
    const factory = registry.provider(type);
    if (!factory) {
      const missing = describeMissingProvider(type, registry);
      throw new AgentryError({
        code: 'plugin_missing',
        message: `Model ${id} needs a plug-in serving ${type}, and ${missing.clause}.`,
        details: { model: id, type, installed: missing.installed },
        suggestions: [missing.suggestion],
      });
    }
    const provider =
      validated.config.authentication.providers.find(
        (entry) =>
          entry.type === type &&
          (validated.config.authentication.defaultProvider === undefined ||
            entry.name === validated.config.authentication.defaultProvider),
      ) ?? validated.config.authentication.providers.find((entry) => entry.type === type);
    const settings: ModelSettings = {};
    if (provider !== undefined) {
      const { oauth2, apiKeyRotation } = validated.config.authentication;
      // The whole method, so a bearer token or an OAuth2 token goes out as one; `apiKey` too for
      // an API key, for factories that read only that.
      settings.authentication = provider.authentication;
      if (oauth2 !== undefined) settings.oauth2 = oauth2;
      settings.apiKeyRotation = apiKeyRotation;
      if (provider.authentication.type === 'api_key') {
        settings.apiKey = provider.authentication.configuration.apiKey;
      }
      if (provider.endpoint !== undefined) settings.endpoint = provider.endpoint;
    }
    return factory.createModel(id.slice(separator + 1), settings);
  };
  // An agent's shutdown settles whatever state its turns leave (a failed turn is given up), so
  // every agent is shut down, those in `error` included.
  shutdownHooks.unshift(async () => {
    await Promise.all([...live.values()].map((agent) => agent.shutdown()));
  });

  // Each store is wrapped once, when first handed out, so every caller shares one decorated store.
  const handedOut = new Map<string, StateStore>();
  const agentStore = options.store && hooks.wrap(options.store, 'agents');
  const store = (name: string): StateStore => {
    const known = handedOut.get(name);
    if (known !== undefined) return known;
    const offered = name === 'memory' ? createMemoryStore() : stores.get(name)?.store;
    if (offered !== undefined) {
      const wrapped = hooks.wrap(offered, name);
      handedOut.set(name, wrapped);
      return wrapped;
    }
    const packageName = Object.hasOwn(storePackages, name) ? storePackages[name] : undefined;
    throw new AgentryError({
      code: 'plugin_missing',
      message: `No plug-in offers a state store named "${name}"${packageName ? `: install ${packageName} and add its plug-in` : ''}.`,
      details: { store: name, offered: ['memory', ...stores.keys()] },
      suggestions: [
        packageName
          ? `Install ${packageName} and add its plug-in to plugins.`
          : `Use one of: ${['memory', ...stores.keys()].join(', ')}, or install the plug-in that offers "${name}".`,
      ],
    });
  };

  return {
    breakers,
    store,
    events$: hooks.bus.events$,
    logger: hooks.logger,
    attachRunEvents: hooks.bus.attachRuns,
    services: {
      lookup: (key) => hooks.services.lookup(key),
      require: (key) => hooks.services.require(key),
    },
    createAgent(agentOptions = {}) {
      const { model: requested, ...rest } = agentOptions;
      if (rest.id !== undefined && agents.has(rest.id)) {
        throw new AgentryError({
          code: 'duplicate_id',
          message: `Agent id ${rest.id} is already in use in this Agentry instance.`,
          details: { id: rest.id },
          suggestions: ['Leave id out to get a new UUID, or pick another.'],
        });
      }
      const router = routerFor(resolveModelId(requested, validated.config.models), rest.clock);
      const { modelMiddleware, toolMiddleware } = hooks;
      const agent = createAgent({
        ...rest,
        model: router,
        autoStart: false,
        ...(agentStore ? { store: agentStore } : {}),
        // Plug-ins' middleware outside the agent's own; nothing added when no plug-in has any.
        ...(modelMiddleware.length > 0 || toolMiddleware.length > 0
          ? {
              middleware: {
                model: [...modelMiddleware, ...(rest.middleware?.model ?? [])],
                tool: [...toolMiddleware, ...(rest.middleware?.tool ?? [])],
              },
            }
          : {}),
      });

      // Registered before it starts, so a refused agent never ran.
      agents.add(agent.toInstance());
      // Before it starts, so that a listener hears it become idle; nothing while nobody listens.
      hooks.bus.attachAgent(agent);
      if (rest.autoStart !== false) agent.start();
      hold(agent);
      return agent;
    },
    config: validated.config,
    registry,
    compliance: validated.compliance,
    agents,
    sourceVersion: validated.sourceVersion,
    describeConfiguration: () => validated.masked(),
    shutdown,
  };
}

/** The audit entries of an instance's start: the configuration it applies and each plug-in. */
async function auditStart(
  audit: AuditTrail,
  validated: { config: Readonly<SDKConfiguration>; sourceVersion: string },
  registry: PluginRegistry,
): Promise<void> {
  const { schemaVersion } = validated.config;
  const actor = '@agentry/core';
  await audit.append({
    category: 'configuration',
    action: 'configuration.change',
    actor,
    details: { change: 'load', schemaVersion, sections: Object.keys(validated.config).sort() },
  });
  if (validated.sourceVersion !== schemaVersion) {
    await audit.append({
      category: 'configuration',
      action: 'configuration.change',
      actor,
      details: { change: 'migrate', from: validated.sourceVersion, to: schemaVersion },
    });
  }
  for (const plugin of registry.plugins) {
    await audit.append({
      category: 'plugin',
      action: 'plugin.setup',
      actor,
      subject: plugin.name,
      details: {
        version: plugin.version,
        ...(plugin.config ? { section: plugin.config.key } : {}),
        providers: (plugin.providers ?? []).map((provider) => provider.type),
      },
    });
  }
}

/** The packages whose plug-ins offer the stores configuration most often names. */
const storePackages: Readonly<Record<string, string>> = {
  sqlite: '@agentry/store-sqlite',
  redis: '@agentry/store-redis',
  postgres: '@agentry/store-postgres',
};
