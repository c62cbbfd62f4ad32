import type { z } from 'zod';
import type { ComplianceCheck, ComplianceFramework } from '../compliance/compliance-types.js';
import type { StateStore } from '../stores/state-store.js';
import type { ProviderFactory } from '../model/language-model.js';

/** The configuration section a plug-in owns: a top-level key of the SDK configuration and its schema. */
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

/** What a plug-in contributes to compliance checking. */
export interface PluginCompliance {
  /**
   * Which frameworks the plug-in's section switches on (the monitoring plug-in reads
   * `logging.compliance.soc2`, for example). Called with the validated section.
   */
  enabledFrameworks?(section: unknown): readonly ComplianceFramework[];
  /** Implementations of baseline controls, by control id (`soc2.encryption-at-rest`). */
  controls?: Readonly<Record<string, ComplianceCheck>>;
}

/** What a plug-in's `setup` receives. */
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
   * Offers a state store under a name, such as `sqlite`, so that configuration can name it (the
   * `workflows` section's `defaults.store`, for example) and `agentry.store(name)` returns it. The
   * plug-in still owns the store: close it in an `onShutdown` hook.
   *
   * @throws AgentryError `duplicate_id` when another plug-in already offers a store by that name,
   *   or the name is `memory` (core's own)
   */
  provideStore(name: string, store: StateStore): void;
}

/** A plug-in, as written by {@link definePlugin}. */
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
