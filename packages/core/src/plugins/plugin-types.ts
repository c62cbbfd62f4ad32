import type { z } from 'zod';
import type { ComplianceCheck, ComplianceFramework } from '../compliance/compliance-types.js';
import type { StateStore } from '../stores/state-store.js';
import type { ProviderFactory } from '../model/language-model.js';
import type { Observable } from 'rxjs';
import type { ModelMiddleware, SendAdmission, ToolMiddleware } from '../agent/middleware.js';
import type { InstanceEvent } from './plugin-events.js';
import type { PluginEvent } from './plugin-event.js';
import type { ErasureReport, PurgeReport, RecordHandler } from './record-handler.js';
import type { ServiceKey, ServiceLookup } from './plugin-services.js';
import type { Logger } from './logger.js';
import type { AgentryExtensions } from '../agentry/agentry-types.js';

/**
 * A decorator of state stores, given to `host.wrapStore`: it takes a store and returns the store
 * to use in its place (usually delegating to it).
 *
 * @example
 * ```ts
 * import type { StateStore, StoreWrapper } from '@agentry/core';
 *
 * // Counts reads of every store the instance hands out.
 * let reads = 0;
 * const countReads: StoreWrapper = (store: StateStore, name: string): StateStore => ({
 *   ...store,
 *   get: (key) => {
 *     reads += 1;
 *     return store.get(key);
 *   },
 * });
 * console.log(typeof countReads, reads);
 * ```
 */
export type StoreWrapper = (store: StateStore, name: string) => StateStore;

/**
 * The configuration section a plug-in owns: a top-level key of the SDK configuration and its schema.
 *
 * @example
 * ```ts
 * import { definePlugin, type PluginConfigSection } from '@agentry/core';
 * import { z } from 'zod';
 *
 * // An optional `greeting` section; strict, so a misspelt key is reported.
 * const section: PluginConfigSection<z.ZodObject<{ text: z.ZodString }>> = {
 *   key: 'greeting',
 *   schema: z.strictObject({ text: z.string() }),
 *   required: false,
 * };
 * export const greeting = () => definePlugin({ name: 'agentry-plugin-greeting', version: '1.0.0', config: section });
 * ```
 */
export interface PluginConfigSection<TSchema extends z.ZodType = z.ZodType> {
  /** The top-level key, such as `security`. */
  key: string;
  /** The zod schema of the section. Use strict objects so that unknown keys are reported. */
  schema: TSchema;
  /**
   * Whether the section must be present when the plug-in is installed (default `true`). A plug-in
   * whose section is optional documents what it does without one.
   */
  required?: boolean;
}

/**
 * What a plug-in contributes to compliance checking.
 *
 * @example
 * ```ts
 * import { definePlugin, type PluginCompliance } from '@agentry/core';
 * import { z } from 'zod';
 *
 * const schema = z.strictObject({ auditLog: z.boolean() });
 * // Switches SOC 2 on for every configuration with this section, and implements one of its controls.
 * const compliance: PluginCompliance = {
 *   enabledFrameworks: () => ['soc2'],
 *   controls: {
 *     'soc2.audit-logging': (config) =>
 *       (config as { audit?: { auditLog?: boolean } }).audit?.auditLog === true
 *         ? []
 *         : [{ path: ['audit', 'auditLog'], message: 'Audit logging is off.', suggestion: 'Set audit.auditLog to true.' }],
 *   },
 * };
 * export const audit = () =>
 *   definePlugin({ name: 'agentry-plugin-audit', version: '1.0.0', config: { key: 'audit', schema }, compliance });
 * ```
 */
export interface PluginCompliance {
  /**
   * Which frameworks the plug-in's section switches on (the monitoring plug-in reads
   * `logging.compliance.soc2`, for example). Called with the validated section.
   */
  enabledFrameworks?(section: unknown): readonly ComplianceFramework[];
  /** Implementations of baseline controls, by control id (`soc2.encryption-at-rest`). */
  controls?: Readonly<Record<string, ComplianceCheck>>;
}

/**
 * What a plug-in's `setup` receives.
 *
 * @example
 * ```ts
 * import { createMemoryStore, definePlugin, services, type PluginHost } from '@agentry/core';
 *
 * // Offers a store named "cache" and closes it when Agentry shuts down.
 * export const cacheStore = () =>
 *   definePlugin({
 *     name: 'agentry-plugin-cache',
 *     version: '1.0.0',
 *     setup(host: PluginHost) {
 *       const store = createMemoryStore();
 *       host.provideStore('cache', store);
 *       host.onShutdown(() => store.close());
 *       console.log(`running in @agentry/core ${host.coreVersion}`);
 *     },
 *   });
 *
 * // Counts every agent's finished runs, and masks what it prints when a masker is installed.
 * export const runCounter = () =>
 *   definePlugin({
 *     name: 'agentry-plugin-run-counter',
 *     version: '1.0.0',
 *     setup(host: PluginHost) {
 *       let runs = 0;
 *       const subscription = host.events$.subscribe(({ event }) => {
 *         if (event.type === 'run-end') runs += 1;
 *       });
 *       host.useToolMiddleware(async (context, next) => {
 *         await next();
 *         const line = `${context.toolName} called; ${runs} runs so far`;
 *         console.log(host.lookup(services.masker)?.mask(line, { purpose: 'log' }) ?? line);
 *       });
 *       host.onShutdown(() => subscription.unsubscribe());
 *     },
 *   });
 *
 * // Logs through the instance's logger, and tells subscribers (alerts) of each refused tool call.
 * export const toolGuard = () =>
 *   definePlugin({
 *     name: 'agentry-plugin-tool-guard',
 *     version: '1.0.0',
 *     setup(host: PluginHost) {
 *       host.useToolMiddleware(async (context, next) => {
 *         if (context.toolName !== 'delete_order') return next();
 *         host.logger.warn({ tool: context.toolName }, 'refused a tool call');
 *         host.emit({ type: 'security', category: 'access-denied', severity: 'high', at: Date.now(), resource: `tool:${context.toolName}` });
 *         throw new Error('delete_order is not allowed');
 *       });
 *     },
 *   });
 * ```
 */
export interface PluginHost<TSection = unknown> {
  /** The plug-in's own validated configuration section (`undefined` when it has none). */
  readonly section: TSection;
  /** The whole validated configuration, secrets resolved. Treat it as read-only. */
  readonly config: Readonly<Record<string, unknown>>;
  /** The version of `@agentry/core` the plug-in runs in. */
  readonly coreVersion: string;
  /**
   * Registers work to run when the Agentry instance shuts down, in reverse order of registration.
   */
  onShutdown(hook: () => void | Promise<void>): void;
  /**
   * Registers work to start once every plug-in is set up and the instance is whole (its stores
   * offered, `erase` and `purgeExpired` usable), just before `createAgentry` resolves: a first
   * purge, a warm-up. Hooks run in installation order and are not awaited; what one throws or
   * rejects with is reported through `createAgentry`'s `onPluginError`.
   */
  onReady(hook: () => void | Promise<void>): void;
  /**
   * Adds a member to the Agentry instance, such as `agentry.realtime`, typed by augmenting
   * `AgentryExtensions` (see its example). The member is set before `createAgentry` resolves and
   * cannot be replaced afterwards.
   *
   * @throws AgentryError `plugin_duplicate` when another plug-in already added a member by that
   *   name; `validation_failed` when the name is one of core's own members or not an identifier
   */
  extend<TName extends keyof AgentryExtensions>(name: TName, value: AgentryExtensions[TName]): void;
  /**
   * Aborts a run the instance is running, by its id: an agent run of an agent made by
   * `agentry.createAgent` (the current turn fails with `aborted`; a queued one never starts), or a
   * workflow run of a runner attached with a control (`createConfiguredWorkflowRunner` attaches
   * its `cancel`), whose events have shown it unfinished. Resolves `true` once it is aborted, or
   * `false` when no such run is in progress here (it ended, is unknown, or belongs to a runner
   * attached without a control). It is a command: nothing else (a reader going away) aborts a run.
   *
   * @throws AgentryError what the runner's `cancel` rejects with, for a workflow run
   */
  abortRun(runId: string, reason?: string): Promise<boolean>;
  /**
   * Offers a state store under a name, such as `sqlite`, so that configuration can name it (the
   * `workflows` section's `defaults.store`, for example) and `agentry.store(name)` returns it. The
   * plug-in still owns the store: close it in an `onShutdown` hook.
   *
   * @throws AgentryError `duplicate_id` when another plug-in already offers a store by that name,
   *   or the name is `memory` (core's own)
   */
  provideStore(name: string, store: StateStore): void;
  /**
   * Every agent's and workflow run's events in the instance, each tagged with its source: agents
   * made by `agentry.createAgent`, and runs of runners whose events are attached with
   * `agentry.attachRunEvents` (`createConfiguredWorkflowRunner` does it). The stream is hot: a
   * subscriber sees every event emitted from the moment it subscribes, from agents and runners
   * made before or after, and nothing from before. Agents pay nothing while nobody subscribes. A
   * subscriber given to `subscribe` that throws does not break the agent or the run, and the other
   * subscribers still get the event; the error goes to `CreateAgentryOptions.onPluginError`
   * (`console.error` by default). Errors inside an operator chain (`events$.pipe(...)`) follow
   * rxjs's rules: handle them in the chain (`catchError`).
   */
  readonly events$: Observable<InstanceEvent>;
  /**
   * The plug-in's logger, each line bound to `{ plugin: <name> }`. At every call it writes to the
   * logger a plug-in provides under `services.logger` (monitoring's), whichever plug-in was set up
   * first; until one is provided, to core's default (see `createConsoleLogger`: `warn` and `error`
   * on `console.error`, `debug` and `info` dropped).
   */
  readonly logger: Logger;
  /**
   * Publishes an event on `events$` (every subscriber's, the plug-in's own included), tagged
   * `{ kind: 'plugin', plugin: <name> }`: a `SecurityEvent` from security, an `alert-fired` from
   * monitoring. Delivered synchronously, like agents' events; a subscriber that throws is reported
   * to `onPluginError`, not to the emitter. While nobody subscribes it costs only the check of the
   * event.
   *
   * @throws AgentryError `validation_failed` when `type` is not a non-empty string or `at` is not a
   *   finite number (and, for `type: 'security'`, when `category` or `severity` is missing or wrong)
   */
  emit(event: PluginEvent): void;
  /**
   * Whether `events$` has a subscriber now. An emitted event goes nowhere else, so a plug-in whose
   * events cost something to build (a decision's audit event on every authorization) can skip
   * building them while this is `false`. It may change between two calls: ask it for each event,
   * never cache the answer.
   */
  hasSubscribers(): boolean;
  /**
   * Adds middleware around every model call of every agent the instance makes. Plug-ins'
   * middleware runs in installation order, outermost first, and outside the agent's own
   * `middleware.model`: the first plug-in installed sees a call first and its result last.
   * Register it in `setup`; an agent made earlier keeps the middleware it was made with.
   */
  useModelMiddleware(middleware: ModelMiddleware): void;
  /**
   * Adds middleware around every tool call of every agent the instance makes, in the same order
   * as {@link PluginHost.useModelMiddleware}: installation order, outermost first, outside the
   * agent's own `middleware.tool`.
   */
  useToolMiddleware(middleware: ToolMiddleware): void;
  /**
   * Adds a check every turn sent to an agent the instance makes passes before it joins the
   * agent's queue (see `SendAdmission`): security's rate limits hold or refuse turns here. Checks
   * run in installation order, after the authorizer's check of the send and before the agent's
   * own `admission`.
   */
  useSendAdmission(check: SendAdmission): void;
  /**
   * Decorates every store the instance hands out: `agentry.store(name)` and the store agents made
   * by `agentry.createAgent` persist to. Wrappers apply in installation order, the first innermost
   * (the last installed sees a call first); each store is wrapped once, when first handed out.
   */
  wrapStore(wrapper: StoreWrapper): void;
  /**
   * Tells core which user the plug-in's records belong to, when they expire and what goes with
   * them, by record kind, for {@link PluginHost.erase} and {@link PluginHost.purgeExpired} (the
   * workflows plug-in declares its run records, which take their journal with them). Register it
   * in `setup`.
   *
   * @throws AgentryError `validation_failed` for a handler without `userOf` or `kinds`;
   *   `plugin_duplicate` when a kind is already handled (core handles `agent`);
   *   `invalid_transition` after set-up
   */
  handleRecords(handler: RecordHandler): void;
  /**
   * Erases a user's data from every store the instance hands out (`agentry.store(name)` for each
   * store offered, and the agents' store): the live agents serving the user are shut down, then
   * each store is read page by page and every record whose kind's handler says it belongs to the
   * user is deleted (with its related records) or anonymised; a record in use (an unfinished
   * workflow run: see `RecordHandler.inUse`) is left in place and listed under `failed` with
   * `invalid_transition`. Writes name the revision read, so a
   * record changed meanwhile is read and decided again, not clobbered. A store that fails is
   * reported in its entry and the others are still gone through; the report lists keys, never
   * data. Appends a `data.erase` audit entry when an audit sink is provided. The same as
   * `agentry.erase`; callable once `createAgentry` has resolved.
   *
   * @throws AgentryError `validation_failed` when `userId` is not a non-empty string;
   *   `invalid_transition` when called during set-up
   */
  erase(options: { userId: string }): Promise<ErasureReport>;
  /**
   * Removes from every store the instance hands out the records last changed before `before`
   * (strictly older; a record changed at that very millisecond stays), except what must be kept:
   * a live agent's state, an unfinished workflow run, and whatever a record handler's
   * `expiresAt` keeps. A record goes with its related records (a run with its journal). Stores
   * are read page by page; failures are reported per store; the report lists keys, never data.
   * Appends a `data.purge` audit entry when an audit sink is provided. The same as
   * `agentry.purgeExpired`; monitoring's retention schedule calls it.
   *
   * @throws AgentryError `validation_failed` when `before` is not a valid `Date`;
   *   `invalid_transition` when called during set-up
   */
  purgeExpired(options: { before: Date }): Promise<PurgeReport>;
  /**
   * Provides a service under a key core (see `services`) or a plug-in declares.
   *
   * With `{ fallback: true }` the service is a default that stands only while no other plug-in
   * provides one: a later plain `provide` replaces it, and a fallback given when another plug-in
   * already provides the service is not used (monitoring's simple audit trail yields to security's
   * tamper-evident log this way, whichever is installed first). Look the service up at each use
   * (`lookup` tells which one stands).
   *
   * @throws AgentryError `plugin_duplicate` when another plug-in already provides it (not for a
   *   fallback on either side)
   */
  provide<TService>(
    key: ServiceKey<TService>,
    service: TService,
    options?: { readonly fallback?: boolean },
  ): void;
  /**
   * The provider of a service, or `undefined` when no plug-in provides it. Plug-ins set up in
   * installation order: look a service up when it is used, not in `setup`, to see providers
   * installed after you.
   */
  lookup<TService>(key: ServiceKey<TService>): TService | undefined;
  /**
   * The provider of a service.
   *
   * @throws AgentryError `plugin_missing` when no plug-in provides it
   */
  require: ServiceLookup['require'];
}

/**
 * A plug-in, as written by {@link definePlugin}.
 *
 * @example
 * ```ts
 * import { createAgentry, definePlugin, type AgentryPlugin } from '@agentry/core';
 *
 * // The smallest plug-in: a name, a version, and what it needs of core.
 * const hello: AgentryPlugin = definePlugin({
 *   name: 'agentry-plugin-hello',
 *   version: '1.0.0',
 *   requires: { '@agentry/core': '>=0.1.0 <1.0.0' },
 *   setup: (host) => host.onShutdown(() => console.log('bye')),
 * });
 * declare const config: unknown;
 * const agentry = await createAgentry({ config, plugins: [hello] });
 * ```
 */
export interface AgentryPlugin<TSection = unknown> {
  /** The plug-in's npm package name, such as `@agentry/security`; unique in an Agentry instance. */
  readonly name: string;
  /** The plug-in's own version (semver). */
  readonly version: string;
  /**
   * Semver ranges the plug-in needs, by package name: `@agentry/core` is checked against the
   * installed core; any other name must be an installed plug-in whose version is in range.
   */
  readonly requires?: Readonly<Record<string, string>>;
  /** The configuration section the plug-in owns. */
  readonly config?: PluginConfigSection<z.ZodType<TSection>>;
  /** The providers the plug-in serves. */
  readonly providers?: readonly ProviderFactory[];
  /** What the plug-in contributes to compliance checking. */
  readonly compliance?: PluginCompliance;
  /** Runs once after the configuration has been validated, in installation order. */
  setup?(host: PluginHost<TSection>): void | Promise<void>;
}
