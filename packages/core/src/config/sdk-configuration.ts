import { z } from 'zod';
import { authenticationConfigSchema } from '../schemas/authentication-config.js';
import { modelRegistrySchema } from '../schemas/model-registry.js';
import { versioningConfigSchema } from '../versioning/index.js';
import type { PluginRegistry } from '../plugins/index.js';

/**
 * The schema version of the configuration format this core reads. A configuration names its
 * version in `schemaVersion`; an older one is migrated (per its `versioning` section), a newer one
 * is refused.
 */
export const CONFIGURATION_SCHEMA_VERSION = '1.0.0';

/**
 * The sections core owns. Plug-ins add theirs (`workflows`, `communication`, `monitoring`,
 * `security`) through the registry. Each may be left out: `authentication` and `versioning` then
 * take their defaults; `models` needs only its `defaultModel` (`validateConfiguration` fills in
 * `availableModels` from the installed provider plug-ins).
 */
export const coreSectionSchemas = {
  /** Providers, OAuth2 and key rotation. Default `{}`: no providers, rotation off. */
  authentication: authenticationConfigSchema.prefault({}),
  /** Registered models, default and fallback chain. `defaultModel` has no default. */
  models: modelRegistrySchema,
  /** Schema versions and migrations. Default `{}`: semver versions, manual migrations. */
  versioning: versioningConfigSchema.prefault({}),
} as const;

/**
 * The sections the spec defines that plug-ins own, and the package to install for each. A
 * configuration that has one of these without its plug-in is refused with this name.
 */
export const pluginSectionPackages: Readonly<Record<string, string>> = {
  workflows: '@agentry/workflows',
  communication: '@agentry/realtime',
  monitoring: '@agentry/monitoring',
  security: '@agentry/security',
};

/**
 * The types of plug-in sections, filled in by each plug-in through declaration merging so that
 * `agentry.config.security` is typed when `@agentry/security` is installed.
 *
 * @example
 * ```ts
 * declare module '@agentry/core' {
 *   interface PluginSections { greeter: { greeting: string } }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PluginSections {}

/**
 * The core part of a validated configuration.
 *
 * @example
 * ```ts
 * import type { Agentry, CoreConfiguration } from '@agentry/core';
 *
 * declare const agentry: Agentry;
 * // Core's own sections of a validated configuration, secrets resolved.
 * const core: CoreConfiguration = agentry.config;
 * console.log(core.schemaVersion, core.models.defaultModel, core.authentication.providers.map((p) => p.name));
 * ```
 */
export interface CoreConfiguration {
  /** The configuration format version, `1.0.0` for this core. */
  schemaVersion: string;
  /** Providers, OAuth2 and key rotation. */
  authentication: z.infer<typeof authenticationConfigSchema>;
  /** Registered models, default and fallback chain. */
  models: z.infer<typeof modelRegistrySchema>;
  /** Schema versions and migrations. */
  versioning: z.infer<typeof versioningConfigSchema>;
}

/**
 * A validated SDK configuration: core's sections plus those of the installed plug-ins, every
 * default filled in.
 *
 * @example
 * ```ts
 * import { validateConfiguration, type AgentryPlugin, type SDKConfiguration } from '@agentry/core';
 *
 * declare const plugins: AgentryPlugin[]; // security(), monitoring(), …
 * declare const json: unknown;
 * const { config } = await validateConfiguration(json, { plugins });
 * // Core's sections are typed; each plug-in package types its own (`config.security` once
 * // @agentry/security is imported).
 * const validated: Readonly<SDKConfiguration> = config;
 * console.log(validated.models.fallbackChain); // [] by default
 * const rotating: boolean = validated.authentication.apiKeyRotation.enabled; // false by default
 * ```
 */
export type SDKConfiguration = CoreConfiguration &
  Partial<PluginSections> &
  Record<string, unknown>;

/**
 * What `describeConfiguration()` (and `ValidatedConfiguration.masked()`) returns: the validated
 * configuration with every default filled in, every reference resolved and every secret value
 * replaced by its mask (`****` and, for a long secret, its last four characters). It has the shape
 * of {@link SDKConfiguration}, so it is read the same way, but it is a copy safe to print or log,
 * never a set of credentials to use.
 *
 * @example
 * ```ts
 * const described: MaskedConfiguration = agentry.describeConfiguration();
 * described.authentication.providers[0]?.authentication; // { type: 'api_key', configuration: { apiKey: '****a1b2' } }
 * described.versioning.migrationStrategy.type; // 'manual' unless the file says otherwise
 * ```
 */
export type MaskedConfiguration = Readonly<SDKConfiguration>;

/**
 * Builds the schema of a whole configuration from core's sections and those of the installed
 * plug-ins. Useful to produce a JSON Schema for editors: `z.toJSONSchema(schema, { io: 'input' })`.
 *
 * @example
 * ```ts
 * const schema = composeConfigurationSchema(createPluginRegistry([security()]));
 * ```
 */
export function composeConfigurationSchema(registry: PluginRegistry) {
  const shape: Record<string, z.ZodType> = {
    schemaVersion: z.string().min(1),
    ...coreSectionSchemas,
  };
  for (const plugin of registry.plugins) {
    if (plugin.config) {
      shape[plugin.config.key] =
        plugin.config.required === false ? plugin.config.schema.optional() : plugin.config.schema;
    }
  }
  return z.strictObject(shape);
}
