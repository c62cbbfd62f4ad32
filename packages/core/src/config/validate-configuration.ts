import type { z } from 'zod';
import { runCompliance, type ComplianceReport } from '../compliance/run-compliance.js';
import { AgentryError } from '../errors/index.js';
import { createPluginRegistry, type AgentryPlugin, type PluginRegistry } from '../plugins/index.js';
import { describeMissingProvider } from '../plugins/missing-provider.js';
import { parseModelId } from '../schemas/model-registry.js';
import { isBuiltInProviderType } from '../schemas/provider-type.js';
import { formatPath } from '../schemas/serializable.js';
import { closestMatch } from './closest-match.js';
import { configurationError } from './configuration-error.js';
import type { ConfigurationIssue } from './configuration-issue.js';
import {
  migrateConfiguration,
  type ConfigurationMigrationOptions,
} from './migrate-configuration.js';
import { maskSecret, maskSecrets } from './mask-secrets.js';
import { fillProviderDefaults, missingProviderIssue } from './provider-defaults.js';
import {
  composeConfigurationSchema,
  pluginSectionPackages,
  type MaskedConfiguration,
  type SDKConfiguration,
} from './sdk-configuration.js';
import { resolveSecretReferences, type SecretSources } from './secret-references.js';
import { toConfigurationIssues } from './zod-issues.js';

/**
 * Options of {@link validateConfiguration}.
 *
 * @example
 * ```ts
 * import { loadConfiguration, validateConfiguration, type AgentryPlugin, type ValidateConfigurationOptions } from '@agentry/core';
 *
 * declare const plugins: AgentryPlugin[]; // the plug-ins the application installs
 * // Validate in CI without starting anything: with the plug-ins' sections, and ${secret:…}
 * // references answered by a stand-in, since CI has no vault.
 * const options: ValidateConfigurationOptions = { plugins, resolveSecret: (name) => `stand-in for ${name}` };
 * await validateConfiguration(await loadConfiguration('agentry.config.json'), options);
 * ```
 */
export interface ValidateConfigurationOptions extends SecretSources {
  /** The plug-ins whose sections and checks apply. */
  plugins?: readonly AgentryPlugin[];
  /** An already built registry (takes precedence over `plugins`). */
  registry?: PluginRegistry;
  /** How an older configuration is migrated. */
  migration?: ConfigurationMigrationOptions;
}

/**
 * A configuration that passed every check.
 *
 * @example
 * ```ts
 * import { loadConfiguration, validateConfiguration, type ValidatedConfiguration } from '@agentry/core';
 *
 * const validated: ValidatedConfiguration = await validateConfiguration(await loadConfiguration('agentry.config.json'));
 * console.log(validated.sourceVersion, validated.compliance.frameworks);
 * console.log(JSON.stringify(validated.masked(), null, 2)); // secrets masked, safe to log
 * ```
 */
export interface ValidatedConfiguration {
  /** The configuration with secrets resolved, deeply frozen. */
  config: Readonly<SDKConfiguration>;
  /** The plug-ins it was validated with. */
  registry: PluginRegistry;
  /** The frameworks switched on and the controls checked. */
  compliance: ComplianceReport;
  /** Dotted paths whose values came from secret references. */
  referencePaths: ReadonlySet<string>;
  /** The configuration version it was read at, before any migration. */
  sourceVersion: string;
  /** A deep copy with every default filled in and every secret masked, safe to print or log. */
  masked(): MaskedConfiguration;
}

/**
 * Validates a configuration against core's sections and those of the installed plug-ins:
 * unknown keys, types and the spec's rules, sections without their plug-in, providers without
 * their plug-in, API-key formats, and the compliance baselines the configuration switches on.
 * Every problem is reported at once.
 *
 * @throws AgentryError `config_invalid` whose `details.issues` lists each problem
 *   ({@link ConfigurationIssue}: path, specific code, message, masked received value, suggestion);
 *   plug-in errors (`plugin_duplicate`, `plugin_incompatible`, `plugin_missing`) from the registry;
 *   `schema_version_unsupported` and the migration codes for a document of another version
 * @example
 * ```ts
 * const { config, masked } = await validateConfiguration(json, { plugins: [security()] });
 * console.log(JSON.stringify(masked(), null, 2));
 * ```
 */
export async function validateConfiguration(
  input: unknown,
  options: ValidateConfigurationOptions = {},
): Promise<ValidatedConfiguration> {
  const registry = options.registry ?? createPluginRegistry(options.plugins ?? []);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new AgentryError({
      code: 'config_invalid',
      message: `The configuration must be an object, received ${input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input}.`,
      suggestions: ['Pass the configuration object (or load it with loadConfiguration).'],
    });
  }

  const issues: ConfigurationIssue[] = [];
  const migrated = await migrateConfiguration(
    input as Record<string, unknown>,
    options.migration,
    issues,
  );
  const resolved = await resolveSecretReferences(migrated.document, options);
  issues.push(...resolved.issues);
  const document = resolved.value as Record<string, unknown>;
  const defaults = fillProviderDefaults(
    document,
    registry,
    options.env ?? process.env,
    resolved.referencePaths,
  );
  issues.push(...defaults.issues);
  for (const path of defaults.keysFromEnvironment.keys()) resolved.referencePaths.add(path);
  // Paths already reported (an unset secret, a missing schemaVersion) are not reported again as missing values.
  const reported = new Set([...issues.map((issue) => issue.path), ...defaults.explainedPaths]);

  const schema = composeConfigurationSchema(registry);
  const shape = schema.shape as Record<string, z.ZodType>;
  const parsed: Record<string, unknown> = {};
  const failedSections = new Set<string>();

  for (const key of Object.keys(document)) {
    if (Object.hasOwn(shape, key)) continue;
    failedSections.add(key);
    const packageName = pluginSectionPackages[key];
    if (packageName) {
      issues.push({
        path: key,
        segments: [key],
        code: 'plugin_missing',
        message: `The "${key}" section needs ${packageName}, which is not installed.`,
        suggestion: `Install ${packageName} (npm install ${packageName}) and add it to plugins, or remove the "${key}" section.`,
        received: maskSecrets(document[key], resolved.referencePaths, key),
      });
    } else {
      const guess = closestMatch(key, [
        ...Object.keys(shape),
        ...Object.keys(pluginSectionPackages),
      ]);
      issues.push({
        path: key,
        segments: [key],
        code: 'validation_failed',
        message: `Unknown section "${key}".`,
        suggestion: guess
          ? `Did you mean "${guess}"? Rename the key.`
          : `Remove it; the sections allowed here are: ${Object.keys(shape).join(', ')}.`,
        received: maskSecrets(document[key], resolved.referencePaths, key),
      });
    }
  }

  for (const [key, sectionSchema] of Object.entries(shape)) {
    const result = sectionSchema.safeParse(document[key]);
    if (result.success) {
      if (result.data !== undefined) parsed[key] = result.data;
      continue;
    }
    failedSections.add(key);
    const sectionIssues = toConfigurationIssues(result.error.issues, {
      schema: sectionSchema,
      input: document[key],
      prefix: [key],
      secretPaths: resolved.referencePaths,
    });
    issues.push(...sectionIssues.filter((issue) => !reported.has(issue.path)));
  }

  if (parsed.authentication !== undefined)
    issues.push(
      ...checkProviders(parsed, registry, resolved.referencePaths, defaults.keysFromEnvironment),
    );
  if (parsed.models !== undefined) issues.push(...checkModelProviders(parsed, registry));

  const compliance = runCompliance(parsed, registry, {
    referencePaths: resolved.referencePaths,
    rawConfig: migrated.document,
  });
  issues.push(
    ...compliance.issues.filter((issue) => !failedSections.has(String(issue.segments[0]))),
  );

  if (issues.length > 0) throw configurationError(issues);

  const config = deepFreeze(parsed) as Readonly<SDKConfiguration>;
  return {
    config,
    registry,
    compliance,
    referencePaths: resolved.referencePaths,
    sourceVersion: migrated.sourceVersion,
    masked: () => maskSecrets(config, resolved.referencePaths) as MaskedConfiguration,
  };
}

function checkProviders(
  config: Partial<SDKConfiguration>,
  registry: PluginRegistry,
  referencePaths: ReadonlySet<string>,
  keysFromEnvironment: ReadonlyMap<string, string>,
): ConfigurationIssue[] {
  const issues: ConfigurationIssue[] = [];
  config.authentication?.providers.forEach((provider, index) => {
    const base = ['authentication', 'providers', index];
    const descriptor = registry.provider(provider.type);
    if (!descriptor) {
      issues.push(missingProviderIssue(provider, index, registry));
      return;
    }
    if (provider.authentication.type !== 'api_key') return;
    const problem = descriptor.validateApiKey(provider.authentication.configuration.apiKey);
    if (problem) {
      const segments = [...base, 'authentication', 'configuration', 'apiKey'];
      const path = formatPath(segments);
      const variable = keysFromEnvironment.get(path);
      const source =
        variable !== undefined
          ? `The key from ${variable}`
          : referencePaths.has(path)
            ? 'The key from its secret reference'
            : 'The key';
      issues.push({
        path,
        segments,
        code: 'invalid_api_key_format',
        message: `${source} does not look like an API key for ${provider.type}: ${problem}`,
        suggestion: `Check that the ${provider.type} key was copied whole and belongs to ${provider.type}.`,
        received: maskSecret(provider.authentication.configuration.apiKey),
      });
    }
  });
  return issues;
}

/**
 * Refuses registered models whose provider type is neither built-in nor served by an installed
 * plug-in. A model of a built-in type stays registrable without its plug-in (creating an agent on
 * it fails with `plugin_missing`), as it always was.
 */
function checkModelProviders(
  config: Partial<SDKConfiguration>,
  registry: PluginRegistry,
): ConfigurationIssue[] {
  const issues: ConfigurationIssue[] = [];
  for (const id of Object.keys(config.models?.availableModels ?? {})) {
    const provider = parseModelId(id)?.provider;
    if (provider === undefined || isBuiltInProviderType(provider) || registry.provider(provider))
      continue;
    const missing = describeMissingProvider(provider, registry);
    const segments = ['models', 'availableModels', id];
    issues.push({
      path: formatPath(segments),
      segments,
      code: 'plugin_missing',
      message: `Model ${id} is of provider type ${provider}, and ${missing.clause}.`,
      suggestion: missing.suggestion,
      received: id,
    });
  }
  return issues;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
