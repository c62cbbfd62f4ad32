import type { ComplianceReport } from '../compliance/index.js';
import type { MaskedConfiguration, SDKConfiguration } from '../config/sdk-configuration.js';
import type { ValidateConfigurationOptions } from '../config/validate-configuration.js';
import type { AgentryError } from '../errors/index.js';
import type { PluginRegistry, AgentryPlugin } from '../plugins/index.js';
import type { AgentInstance } from '../schemas/agent-instance.js';
import type { Agent } from '../agent/agent-interface.js';
import type { AgentOptions } from '../agent/agent-options.js';
import type { CircuitBreakerRegistry } from '../agent/create-model-router.js';
import type { CircuitBreakerConfig, RetryPolicyWithBackoff } from '../resilience/index.js';
import type { StateStore } from '../stores/index.js';
import type { AgentDirectory } from './agent-directory.js';
import type { Observable } from 'rxjs';
import type { AttachRunEvents, InstanceEvent } from '../plugins/plugin-events.js';
import type { ServiceLookup } from '../plugins/plugin-services.js';
import type { Logger } from '../plugins/logger.js';
import type { ErasureReport, PurgeReport } from '../plugins/record-handler.js';

/**
 * Members plug-ins add to an Agentry instance with `host.extend`, such as `agentry.realtime` from
 * `@agentry/realtime`. Empty in core: a plug-in package declares its member by augmenting this
 * interface, so that importing the package types the member.
 *
 * @example
 * ```ts
 * import { definePlugin } from '@agentry/core';
 *
 * interface Greeter { greet(name: string): string }
 * declare module '@agentry/core' {
 *   interface AgentryExtensions {
 *     // Added by the greeter plug-in.
 *     greeter: Greeter;
 *   }
 * }
 * export const greeter = () =>
 *   definePlugin({
 *     name: 'agentry-plugin-greeter',
 *     version: '1.0.0',
 *     setup: (host) => host.extend('greeter', { greet: (name: string) => `Hello, ${name}` }),
 *   });
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- augmented by plug-in packages
export interface AgentryExtensions {}

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
export interface Agentry extends AgentryExtensions {
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
   * Erases a user's data from every store the instance hands out, and returns what was removed
   * where: see `PluginHost.erase` (the live agents serving the user are shut down first; records
   * are attributed by their kind's handler: agents by `context.userId`, workflow runs by the
   * `userId` they were started with).
   *
   * @throws AgentryError `validation_failed` when `userId` is not a non-empty string
   */
  erase(options: { userId: string }): Promise<ErasureReport>;
  /**
   * Removes the records last changed before `before` from every store the instance hands out,
   * except a live agent's state and an unfinished workflow run: see `PluginHost.purgeExpired`.
   *
   * @throws AgentryError `validation_failed` when `before` is not a valid `Date`
   */
  purgeExpired(options: { before: Date }): Promise<PurgeReport>;
  /**
   * Shuts down every agent it created (each drains its queue; a turn left failed is given up; a
   * paused turn holds it until resumed or aborted), then runs the plug-ins' shutdown hooks in
   * reverse order; later calls do nothing.
   */
  shutdown(): Promise<void>;
}
