import semver from 'semver';
import { coreControls } from '../compliance/core-controls.js';
import { AgentryError } from '../errors/index.js';
import { VERSION } from '../version.js';
import type { ProviderFactory } from '../model/language-model.js';
import { PROVIDER_TYPE_PATTERN } from '../schemas/provider-type.js';
import type { AgentryPlugin } from './plugin-types.js';

const CORE_PACKAGE = '@agentry/core';

/**
 * What {@link PluginRegistry.list} says of one installed package.
 *
 * @example
 * ```ts
 * import type { Agentry, PluginDescription } from '@agentry/core';
 *
 * declare const agentry: Agentry;
 * // What is installed: core first, then each plug-in in installation order.
 * const installed: PluginDescription[] = agentry.registry.list();
 * for (const plugin of installed) console.log(`${plugin.name}@${plugin.version}`, plugin.providers);
 * ```
 */
export interface PluginDescription {
  /** The package name. */
  name: string;
  /** The installed version. */
  version: string;
  /** The ranges it requires, by package name. */
  requires: Record<string, string>;
  /** The configuration section it owns, if any. */
  configKey?: string;
  /** The provider types it serves. */
  providers: string[];
  /** The compliance control ids it implements. */
  controls: string[];
}

/**
 * The installed plug-ins of one Agentry instance.
 *
 * @example
 * ```ts
 * import type { Agentry, PluginRegistry } from '@agentry/core';
 *
 * declare const agentry: Agentry;
 * const registry: PluginRegistry = agentry.registry;
 * // Which plug-in serves OpenAI models, and which owns the `security` section.
 * console.log(registry.provider('openai')?.type, registry.forSection('security')?.name);
 * ```
 */
export interface PluginRegistry {
  /** Describes `@agentry/core` and every installed plug-in, in installation order. */
  list(): PluginDescription[];
  /** The installed plug-in with this name. */
  get(name: string): AgentryPlugin | undefined;
  /** The plug-in owning a configuration section. */
  forSection(key: string): AgentryPlugin | undefined;
  /** The provider factory serving a provider type (built-in or a plug-in's own). */
  provider(type: string): ProviderFactory | undefined;
  /** The installed plug-ins, in installation order. */
  readonly plugins: readonly AgentryPlugin[];
}

/**
 * Checks a set of plug-ins and indexes them. Every problem is reported at once.
 *
 * @throws AgentryError `plugin_duplicate` when a name, section or provider type is claimed twice
 *   (two plug-ins serving `openai`, or two serving a third-party type such as `acme`);
 *   `plugin_incompatible` when a `requires` range does not match; `plugin_missing` when a required
 *   plug-in is absent; `validation_failed` for a malformed plug-in or a provider type that does
 *   not match `PROVIDER_TYPE_PATTERN`
 * @example
 * ```ts
 * const registry = createPluginRegistry([security(), monitoring()]);
 * registry.list().map((plugin) => `${plugin.name}@${plugin.version}`);
 * ```
 */
export function createPluginRegistry(
  plugins: readonly AgentryPlugin[],
  coreVersion: string = VERSION,
): PluginRegistry {
  const problems: AgentryError[] = [];
  const byName = new Map<string, AgentryPlugin>();
  const bySection = new Map<string, AgentryPlugin>();
  const byProvider = new Map<string, { plugin: AgentryPlugin; descriptor: ProviderFactory }>();

  plugins.forEach((plugin, index) => {
    const malformed = describeMalformed(plugin);
    if (malformed) {
      problems.push(
        new AgentryError({
          code: 'validation_failed',
          message: `Plug-in #${index} is malformed: ${malformed}.`,
          details: { index },
          suggestions: [
            'Create plug-ins with definePlugin() and pass the plug-in object, not its factory.',
          ],
        }),
      );
      return;
    }
    const earlier = byName.get(plugin.name);
    if (earlier) {
      problems.push(
        new AgentryError({
          code: 'plugin_duplicate',
          message: `Plug-in ${plugin.name} is installed twice (${earlier.version} and ${plugin.version}).`,
          details: { name: plugin.name, versions: [earlier.version, plugin.version] },
          suggestions: [
            `Pass ${plugin.name} once in plugins.`,
            'If two copies are installed, run your package manager’s dedupe.',
          ],
        }),
      );
      return;
    }
    byName.set(plugin.name, plugin);
    const key = plugin.config?.key;
    if (key !== undefined) {
      const owner = bySection.get(key);
      if (owner)
        problems.push(claimedTwice(`configuration section "${key}"`, owner.name, plugin.name));
      else bySection.set(key, plugin);
    }
    for (const descriptor of plugin.providers ?? []) {
      if ((descriptor as { specificationVersion?: unknown }).specificationVersion !== 'v1') {
        problems.push(
          new AgentryError({
            code: 'plugin_incompatible',
            message: `Plug-in ${plugin.name} serves ${descriptor.type} with model contract ${String((descriptor as { specificationVersion?: unknown }).specificationVersion)}; this core speaks v1.`,
            details: {
              plugin: plugin.name,
              specificationVersion: (descriptor as { specificationVersion?: unknown })
                .specificationVersion,
            },
            suggestions: [
              `Install a version of ${plugin.name} built for @agentry/core ${coreVersion}.`,
            ],
          }),
        );
        continue;
      }
      if (typeof descriptor.type !== 'string' || !PROVIDER_TYPE_PATTERN.test(descriptor.type)) {
        problems.push(
          new AgentryError({
            code: 'validation_failed',
            message: `Plug-in ${plugin.name} serves provider type ${JSON.stringify(descriptor.type)}, which is not a valid provider type: use 1 to 63 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen.`,
            details: { plugin: plugin.name, type: String(descriptor.type) },
            suggestions: [
              `Report this to the author of ${plugin.name}: a provider type is a lowercase name such as acme or acme-cloud.`,
            ],
          }),
        );
        continue;
      }
      const owner = byProvider.get(descriptor.type);
      if (owner)
        problems.push(
          claimedTwice(`provider type "${descriptor.type}"`, owner.plugin.name, plugin.name),
        );
      else byProvider.set(descriptor.type, { plugin, descriptor });
    }
  });

  for (const plugin of byName.values()) {
    for (const [dependency, range] of Object.entries(plugin.requires ?? {})) {
      const installed = dependency === CORE_PACKAGE ? coreVersion : byName.get(dependency)?.version;
      if (installed === undefined) {
        problems.push(
          new AgentryError({
            code: 'plugin_missing',
            message: `Plug-in ${plugin.name} requires ${dependency} ${range}, which is not installed.`,
            details: { plugin: plugin.name, requires: dependency, range },
            suggestions: [
              `Install ${dependency} (npm install ${dependency}) and add it to plugins.`,
            ],
          }),
        );
      } else if (semver.validRange(range) === null) {
        problems.push(
          new AgentryError({
            code: 'validation_failed',
            message: `Plug-in ${plugin.name} requires ${dependency} with an invalid semver range "${range}".`,
            details: { plugin: plugin.name, range },
            suggestions: ['Report this to the plug-in’s author.'],
          }),
        );
      } else if (!semver.satisfies(installed, range, { includePrerelease: true })) {
        problems.push(
          new AgentryError({
            code: 'plugin_incompatible',
            message: `Plug-in ${plugin.name}@${plugin.version} requires ${dependency} ${range}, but ${installed} is installed.`,
            details: { plugin: plugin.name, requires: dependency, range, installed },
            suggestions: [
              `Install a version of ${plugin.name} built for ${dependency}@${installed}, or install ${dependency}@"${range}".`,
            ],
          }),
        );
      }
    }
  }

  const [first] = problems;
  if (first && problems.length === 1) throw first;
  if (problems.length > 1) {
    throw new AgentryError({
      code: first?.code ?? 'validation_failed',
      message: `The plug-ins have ${problems.length} problems:\n${problems.map((problem) => `  - ${problem.message}`).join('\n')}`,
      details: { problems: problems.map((problem) => problem.toJSON()) },
      suggestions: [...new Set(problems.flatMap((problem) => problem.suggestions))],
    });
  }

  const ordered = [...byName.values()];
  return {
    plugins: ordered,
    list: () => [
      {
        name: CORE_PACKAGE,
        version: coreVersion,
        requires: {},
        configKey: undefined,
        providers: [],
        controls: Object.keys(coreControls),
      },
      ...ordered.map((plugin) => ({
        name: plugin.name,
        version: plugin.version,
        requires: { ...plugin.requires },
        configKey: plugin.config?.key,
        providers: (plugin.providers ?? []).map((descriptor) => descriptor.type),
        controls: Object.keys(plugin.compliance?.controls ?? {}),
      })),
    ],
    get: (name) => byName.get(name),
    forSection: (key) => bySection.get(key),
    provider: (type) => byProvider.get(type)?.descriptor,
  };
}

function claimedTwice(what: string, first: string, second: string): AgentryError {
  return new AgentryError({
    code: 'plugin_duplicate',
    message: `Both ${first} and ${second} claim the ${what}.`,
    details: { first, second, what },
    suggestions: [`Install only one of ${first} and ${second}.`],
  });
}

function describeMalformed(plugin: unknown): string | undefined {
  if (typeof plugin !== 'object' || plugin === null)
    return `expected a plug-in object, got ${typeof plugin}`;
  const candidate = plugin as Partial<AgentryPlugin>;
  if (typeof candidate.name !== 'string' || candidate.name.length === 0) return 'it has no name';
  if (typeof candidate.version !== 'string' || semver.valid(candidate.version) === null)
    return `${candidate.name} has an invalid version "${String(candidate.version)}"`;
  return undefined;
}
