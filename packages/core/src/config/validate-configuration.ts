import type { z } from 'zod';
import { runCompliance, type ComplianceReport } from '../compliance/run-compliance.js';
import { AgentryError } from '../errors/index.js';
import { createPluginRegistry, type AgentryPlugin, type PluginRegistry } from '../plugins/index.js';
import { providerPackages } from '../schemas/provider-type.js';
import { formatPath } from '../schemas/serializable.js';
import { closestMatch } from './closest-match.js';
import { configurationError } from './configuration-error.js';
import type { ConfigurationIssue } from './configuration-issue.js';
import {
  migrateConfiguration,
  type ConfigurationMigrationOptions,
} from './migrate-configuration.js';
import { maskSecret, maskSecrets } from './mask-secrets.js';
import {
  composeConfigurationSchema,
  pluginSectionPackages,
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
  /** A deep copy with every secret masked, safe to print or log. */
  masked(): Record<string, unknown>;
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
  // Paths already reported (an unset secret, a missing schemaVersion) are not reported again as missing values.
  const reported = new Set(issues.map((issue) => issue.path));

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
    issues.push(...checkProviders(parsed, registry, resolved.referencePaths));

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
    masked: () => maskSecrets(config, resolved.referencePaths) as Record<string, unknown>,
  };
}

function checkProviders(
  config: Partial<SDKConfiguration>,
  registry: PluginRegistry,
  referencePaths: ReadonlySet<string>,
): ConfigurationIssue[] {
  const issues: ConfigurationIssue[] = [];
  config.authentication?.providers.forEach((provider, index) => {
    const base = ['authentication', 'providers', index];
    const descriptor = registry.provider(provider.type);
    if (!descriptor) {
      const packageName = providerPackages[provider.type];
      issues.push({
        path: formatPath([...base, 'type']),
        segments: [...base, 'type'],
        code: 'plugin_missing',
        message: `Provider "${provider.name}" is of type ${provider.type}, and no installed plug-in serves ${provider.type}.`,
        suggestion: `Install ${packageName} (npm install ${packageName}) and add it to plugins.`,
        received: provider.type,
      });
      return;
    }
    if (provider.authentication.type !== 'api_key') return;
    const problem = descriptor.validateApiKey(provider.authentication.configuration.apiKey);
    if (problem) {
      const segments = [...base, 'authentication', 'configuration', 'apiKey'];
      const path = formatPath(segments);
      const source = referencePaths.has(path) ? 'The key from its secret reference' : 'The key';
      issues.push({
        path,
        segments,
        code: 'invalid_api_key_format',
        message: `${source} does not look like a ${provider.type} API key: ${problem}`,
        suggestion: `Check that the ${provider.type} key was copied whole and belongs to ${provider.type}.`,
        received: maskSecret(provider.authentication.configuration.apiKey),
      });
    }
  });
  return issues;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
