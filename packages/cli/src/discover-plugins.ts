import type { AgentryPlugin } from '@agentry/core';
import {
  findInstalledPackage,
  findProjectManifest,
  importFromProject,
  listAgentryPackages,
  type InstalledPackage,
} from './project-packages.js';

/**
 * The plug-in factory each first-party package exports, called without options. A third-party
 * package names its own in `package.json`: `"agentry": { "plugin": "acmePlugin" }`.
 *
 * @internal
 */
export const knownPluginFactories: Readonly<Record<string, string>> = {
  '@agentry/openai': 'openaiPlugin',
  '@agentry/anthropic': 'anthropicPlugin',
  '@agentry/google': 'googlePlugin',
  '@agentry/workflows': 'workflows',
  '@agentry/security': 'security',
  '@agentry/monitoring': 'monitoring',
};

/** A plug-in found in a project, or why it could not be loaded. @internal */
export interface FoundPlugin {
  /** The package. */
  packageName: string;
  /** The package's installed version. */
  version: string;
  /** The factory export called. */
  factory: string;
  /** The plug-in, when it loaded. */
  plugin?: AgentryPlugin;
  /** Why it did not load. */
  problem?: string;
}

/**
 * Finds the plug-in packages of the project at `directory`: the dependencies its nearest
 * `package.json` declares that are installed and are either a first-party plug-in package (see
 * {@link knownPluginFactories}) or name a factory under `agentry.plugin` in their own manifest.
 * Without a `package.json`, every installed `@agentry/*` package is a candidate. Each factory is
 * imported as the project resolves it and called without options.
 *
 * @internal
 */
export async function discoverPlugins(directory: string): Promise<FoundPlugin[]> {
  const candidates = new Map<string, InstalledPackage>();
  const project = findProjectManifest(directory);
  if (project) {
    // Only what the project declares: a package manager also installs the dependencies of its
    // dependencies (this command's own among them), which the application does not use.
    for (const field of [
      'dependencies',
      'devDependencies',
      'optionalDependencies',
      'peerDependencies',
    ]) {
      const declared = project.manifest[field];
      if (typeof declared !== 'object' || declared === null) continue;
      for (const name of Object.keys(declared)) {
        if (candidates.has(name)) continue;
        const installed = findInstalledPackage(name, project.directory);
        if (installed) candidates.set(name, installed);
      }
    }
  } else {
    for (const installed of listAgentryPackages(directory))
      candidates.set(installed.name, installed);
  }
  const found: FoundPlugin[] = [];
  for (const installed of candidates.values()) {
    const factory = factoryOf(installed);
    if (factory === undefined) continue;
    found.push(await loadPlugin(installed, factory, directory));
  }
  return found;
}

function factoryOf(installed: InstalledPackage): string | undefined {
  const declared = (installed.manifest['agentry'] as { plugin?: unknown } | undefined)?.plugin;
  if (typeof declared === 'string' && declared !== '') return declared;
  return knownPluginFactories[installed.name];
}

async function loadPlugin(
  installed: InstalledPackage,
  factory: string,
  directory: string,
): Promise<FoundPlugin> {
  const base = { packageName: installed.name, version: installed.version, factory };
  try {
    const namespace = (await importFromProject(installed.name, directory)) as Record<
      string,
      unknown
    >;
    const create = namespace[factory];
    if (typeof create !== 'function')
      return { ...base, problem: `${installed.name} does not export a function ${factory}.` };
    const plugin = (create as () => unknown)();
    if (!isPlugin(plugin))
      return { ...base, problem: `${installed.name}'s ${factory}() did not return a plug-in.` };
    return { ...base, plugin };
  } catch (error) {
    return {
      ...base,
      problem: `${installed.name} could not be loaded: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** Whether a value looks like an {@link AgentryPlugin}. @internal */
export function isPlugin(value: unknown): value is AgentryPlugin {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { name?: unknown }).name === 'string' &&
    typeof (value as { version?: unknown }).version === 'string'
  );
}
