import { configurationError } from '../config/configuration-error.js';
import { validateConfiguration } from '../config/validate-configuration.js';
import { AgentryError } from '../errors/index.js';
import { createPluginRegistry } from '../plugins/index.js';
import { describeMissingProvider } from '../plugins/missing-provider.js';
import { services as serviceKeys } from '../plugins/plugin-services.js';
import type { RecordHandler } from '../plugins/record-handler.js';
import { VERSION } from '../version.js';
import type { Agent } from '../agent/agent-interface.js';
import type { AgentOptions } from '../agent/agent-options.js';
import { agentRunById, createAgent } from '../agent/agent.js';
import { createCircuitBreakerRegistry, createModelRouter } from '../agent/create-model-router.js';
import type { ModelRouter } from '../agent/model-router-types.js';
import type { LanguageModel, ModelSettings } from '../model/index.js';
import { createMemoryStore, type StateStore } from '../stores/index.js';
import { checkAgent, createAgentDirectory } from './agent-directory.js';
import { resolveModelId } from './resolve-model-id.js';
import { auditStart, createAuditTrail } from './audit-trail.js';
import { createDataLifecycle, type DataLifecycle } from './data-lifecycle.js';
import { createPluginHooks } from './plugin-hooks.js';
import { runHooks } from './run-hooks.js';
import type { Agentry, AgentryExtensions, CreateAgentryOptions } from './agentry-types.js';

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
  // Made once the stores are known, after set-up; a plug-in calling erase in setup is refused.
  let lifecycle: DataLifecycle | undefined = undefined;
  const dataLifecycle = (method: string): DataLifecycle => {
    if (lifecycle !== undefined) return lifecycle;
    throw new AgentryError({
      code: 'invalid_transition',
      message: `host.${method} was called during set-up, before every store is offered.`,
      details: { method },
      suggestions: [
        `Call host.${method} once createAgentry has resolved (from a schedule, a handler).`,
      ],
    });
  };
  const abortRun = async (runId: string, reason?: string): Promise<boolean> => {
    for (const agent of live.values()) {
      const run = agentRunById(agent, runId);
      if (run === undefined) continue;
      run.abort(reason ?? 'The run was aborted by a command.');
      return true;
    }
    return hooks.bus.cancelRun(runId);
  };
  const readyHooks: { plugin: string; hook: () => void | Promise<void> }[] = [];
  const extensions = new Map<string, { plugin: string; value: unknown }>();
  for (const plugin of registry.plugins) {
    if (!plugin.setup) continue;
    try {
      await plugin.setup({
        section: plugin.config ? validated.config[plugin.config.key] : undefined,
        config: validated.config,
        coreVersion: VERSION,
        ...hooks.hostMethods(plugin.name),
        onShutdown: (hook) => shutdownHooks.push(hook),
        onReady: (hook) => {
          if (typeof hook !== 'function') {
            throw new AgentryError({
              code: 'validation_failed',
              message: `Plug-in ${plugin.name} passed ${hook === null ? 'null' : typeof hook} to host.onReady; expected a function.`,
              details: { plugin: plugin.name, method: 'onReady' },
              suggestions: ['Pass a function to host.onReady.'],
            });
          }
          readyHooks.push({ plugin: plugin.name, hook });
        },
        extend: (name, value) => addExtension(extensions, plugin.name, name, value),
        abortRun,
        erase: async (request) => dataLifecycle('erase').erase(request, plugin.name),
        purgeExpired: async (request) =>
          dataLifecycle('purgeExpired').purgeExpired(request, plugin.name),
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
  // every agent is shut down, those in `error` included. Registered after every plug-in's set-up,
  // so it runs before their hooks (hooks run in reverse): a turn in progress finishes, and its last
  // events and state reach plug-ins (realtime's log, monitoring's metrics, a plug-in's store)
  // before they close.
  shutdownHooks.push(async () => {
    await Promise.all([...live.values()].map((agent) => agent.shutdown()));
  });

  // Each store is wrapped once, when first handed out, so every caller shares one decorated store;
  // `unwrapped` keeps what it wraps, so that a store handed out under two names is gone through once.
  const handedOut = new Map<string, StateStore>();
  const unwrapped = new Map<StateStore, StateStore>();
  const agentStore = options.store && hooks.wrap(options.store, 'agents');
  const store = (name: string): StateStore => {
    const known = handedOut.get(name);
    if (known !== undefined) return known;
    const offered = name === 'memory' ? createMemoryStore() : stores.get(name)?.store;
    if (offered !== undefined) {
      const wrapped = hooks.wrap(offered, name);
      handedOut.set(name, wrapped);
      unwrapped.set(wrapped, offered);
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

  // Agents' state: the user is the agent's `context.userId`; a live agent's state is never purged.
  const agentRecords: RecordHandler = {
    kinds: ['agent'],
    userOf: (envelope) => agentField(envelope.data, 'context', 'userId'),
    inUse(envelope) {
      const id = agentField(envelope.data, 'id');
      const agent = id === undefined ? undefined : live.get(id);
      return agent !== undefined && agent.lifecycle !== 'shut-down';
    },
  };

  lifecycle = createDataLifecycle({
    stores() {
      const seen = new Set<StateStore>();
      const covered: { name: string; store: StateStore }[] = [];
      const cover = (name: string, wrapped: StateStore, raw: StateStore) => {
        if (seen.has(raw)) return;
        seen.add(raw);
        covered.push({ name, store: wrapped });
      };
      if (agentStore !== undefined && options.store !== undefined) {
        cover('agents', agentStore, options.store);
      }
      // The memory store only once handed out: one never asked for holds nothing.
      const names = [...(handedOut.has('memory') ? ['memory'] : []), ...stores.keys()];
      for (const name of names) {
        const wrapped = store(name);
        cover(name, wrapped, unwrapped.get(wrapped) ?? wrapped);
      }
      return covered;
    },
    handlerFor: (kind) =>
      kind === 'agent' ? agentRecords : hooks.recordHandlers.get(kind)?.handler,
    async shutDownAgentsOf(userId) {
      const serving = [...live.values()].filter(
        (agent) => agent.lifecycle !== 'shut-down' && agent.context.userId === userId,
      );
      await Promise.all(serving.map((agent) => agent.shutdown()));
      return serving.map((agent) => agent.id);
    },
    audit,
  });
  // Plug-ins' members (`host.extend`) are added below.
  const agentry: Omit<Agentry, keyof AgentryExtensions> = {
    breakers,
    store,
    erase: (request) => dataLifecycle('erase').erase(request),
    purgeExpired: (request) => dataLifecycle('purgeExpired').purgeExpired(request),
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
      const { modelMiddleware, toolMiddleware, sendAdmission } = hooks;
      const authorizer = rest.authorizer ?? hooks.services.lookup(serviceKeys.authorizer);
      const agent = createAgent({
        ...rest,
        model: router,
        ...(authorizer ? { authorizer } : {}),
        ...(sendAdmission.length > 0
          ? { admission: [...sendAdmission, ...(rest.admission ?? [])] }
          : {}),
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
  for (const [name, { value }] of extensions) {
    Object.defineProperty(agentry, name, { value, enumerable: true, writable: false });
  }
  startReadyHooks(readyHooks, reportPluginError);
  // Whole now: the members plug-ins declare in `AgentryExtensions` were added just above. In core
  // alone that interface is empty and the assertion looks unnecessary; where a plug-in package
  // augments it (compiled from source with core), it is needed.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  return agentry as Agentry;
}

/** Core's own members of an instance, which no plug-in may add. */
const coreMembers: ReadonlySet<string> = new Set([
  'breakers',
  'store',
  'erase',
  'purgeExpired',
  'events$',
  'logger',
  'attachRunEvents',
  'services',
  'createAgent',
  'config',
  'registry',
  'compliance',
  'agents',
  'sourceVersion',
  'describeConfiguration',
  'shutdown',
]);

/** Records a member a plug-in adds with `host.extend`, refusing a taken or reserved name. */
function addExtension(
  extensions: Map<string, { plugin: string; value: unknown }>,
  plugin: string,
  name: unknown,
  value: unknown,
): void {
  if (typeof name !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(name) || coreMembers.has(name)) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `Plug-in ${plugin} called host.extend with ${JSON.stringify(name) ?? String(name)}: ${
        typeof name === 'string' && coreMembers.has(name)
          ? 'that is a member of core'
          : 'a member name must be an identifier'
      }.`,
      details: { plugin, name: typeof name === 'string' ? name : String(name) },
      suggestions: [
        'Pick an identifier that is not a member of Agentry, such as the package name.',
      ],
    });
  }
  const taken = extensions.get(name);
  if (taken !== undefined) {
    throw new AgentryError({
      code: 'plugin_duplicate',
      message: `Plug-in ${plugin} adds agentry.${name}, but ${taken.plugin} already does.`,
      details: { plugin, name, owner: taken.plugin },
      suggestions: ['Install only one of the two plug-ins, or give one member another name.'],
    });
  }
  extensions.set(name, { plugin, value });
}

/** Starts each plug-in's ready hook, in installation order; a failure is reported, not thrown. */
function startReadyHooks(
  hooks: readonly { plugin: string; hook: () => void | Promise<void> }[],
  report: (error: AgentryError) => void,
): void {
  const failed = (plugin: string) => (error: unknown) =>
    report(
      new AgentryError({
        code: 'plugin_setup_failed',
        message: `The ready hook of plug-in ${plugin} failed: ${error instanceof Error ? error.message : String(error)}`,
        details: { plugin },
        suggestions: [`Check ${plugin}'s configuration section and its README.`],
        cause: error,
      }),
    );
  for (const { plugin, hook } of hooks) {
    try {
      const started = hook();
      if (started instanceof Promise) started.catch(failed(plugin));
    } catch (error) {
      failed(plugin)(error);
    }
  }
}

/** A string field of a stored agent's data (`id`, or `context.userId`), or `undefined`. */
function agentField(data: unknown, ...path: string[]): string | undefined {
  let value = data;
  for (const segment of path) {
    value =
      typeof value === 'object' && value !== null && Object.hasOwn(value, segment)
        ? (value as Record<string, unknown>)[segment]
        : undefined;
  }
  return typeof value === 'string' ? value : undefined;
}

/** The packages whose plug-ins offer the stores configuration most often names. */
const storePackages: Readonly<Record<string, string>> = {
  sqlite: '@agentry/store-sqlite',
  redis: '@agentry/store-redis',
  postgres: '@agentry/store-postgres',
};
