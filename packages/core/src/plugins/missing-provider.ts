import { closestMatch } from '../config/closest-match.js';
import {
  builtInProviderTypes,
  isBuiltInProviderType,
  providerPackages,
} from '../schemas/provider-type.js';
import type { PluginRegistry } from './plugin-registry.js';

/**
 * The provider types the installed plug-ins serve, in installation order.
 *
 * @internal
 */
export function installedProviderTypes(registry: PluginRegistry): string[] {
  return registry.list().flatMap((plugin) => plugin.providers);
}

/** What to say when no installed plug-in serves a provider type. */
export interface MissingProvider {
  /** A clause naming the type and the installed types, to end a sentence. */
  clause: string;
  /** What to do: the package to install for a built-in type, or the plug-in to add. */
  suggestion: string;
  /** The installed provider types. */
  installed: string[];
}

/**
 * Describes a provider type that no installed plug-in serves: the installed types, the package
 * that serves a built-in type, or a likely typo.
 *
 * @internal
 */
export function describeMissingProvider(type: string, registry: PluginRegistry): MissingProvider {
  const installed = installedProviderTypes(registry);
  const listed =
    installed.length > 0
      ? `the installed provider types are ${installed.join(', ')}`
      : 'no provider plug-in is installed';
  const clause = `no installed plug-in serves provider type "${type}" (${listed})`;
  if (isBuiltInProviderType(type)) {
    const packageName = providerPackages[type];
    return {
      clause,
      installed,
      suggestion: `Install ${packageName} (npm install ${packageName}) and add its plug-in to plugins.`,
    };
  }
  const guess = closestMatch(type, [...new Set([...installed, ...builtInProviderTypes])]);
  return {
    clause,
    installed,
    suggestion: guess
      ? `Did you mean "${guess}"? Otherwise install the plug-in that serves "${type}" and add it to plugins.`
      : `Install the plug-in that serves "${type}" and add it to plugins${installed.length > 0 ? `, or use one of: ${installed.join(', ')}` : ''}.`,
  };
}
