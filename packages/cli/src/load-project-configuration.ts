import { existsSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AgentryError, loadConfiguration, type AgentryPlugin } from '@agentry/core';
import { discoverPlugins, isPlugin, type FoundPlugin } from './discover-plugins.js';

/** The file names `agentry validate`, `migrate` and `doctor` look for, in order. @internal */
export const configurationFileNames = [
  'agentry.config.ts',
  'agentry.config.mts',
  'agentry.config.js',
  'agentry.config.mjs',
  'agentry.config.json',
] as const;

/** A configuration and the plug-ins to validate it with. @internal */
export interface ProjectConfiguration {
  /** The absolute path of the file. */
  file: string;
  /** The document as loaded, not validated. */
  document: unknown;
  /** The plug-ins, from the module's `plugins` export or found installed. */
  plugins: AgentryPlugin[];
  /** Where the plug-ins came from. */
  pluginSource: 'module' | 'installed';
  /** The installed plug-in packages examined (only when `pluginSource` is `installed`). */
  found: FoundPlugin[];
}

/**
 * Finds the configuration file: the one given, else the first of {@link configurationFileNames}
 * in `cwd`.
 *
 * @internal
 * @throws AgentryError `config_load_failed` naming the path when there is none
 */
export function findConfigurationFile(cwd: string, given: string | undefined): string {
  if (given !== undefined) {
    const file = resolve(cwd, given);
    if (!existsSync(file))
      throw new AgentryError({
        code: 'config_load_failed',
        message: `Configuration file ${file} does not exist.`,
        details: { file },
        suggestions: ['Check the path, or run agentry init to create a project.'],
      });
    return file;
  }
  for (const name of configurationFileNames) {
    const file = join(cwd, name);
    if (existsSync(file)) return file;
  }
  throw new AgentryError({
    code: 'config_load_failed',
    message: `No configuration file in ${cwd} (looked for ${configurationFileNames.join(', ')}).`,
    details: { directory: cwd, looked: [...configurationFileNames] },
    suggestions: [
      'Pass the file: agentry validate path/to/agentry.config.json.',
      'Or create a project with agentry init.',
    ],
  });
}

/**
 * Loads a configuration with core's `loadConfiguration` and works out its plug-ins: a JavaScript
 * or TypeScript configuration module may export them as `plugins` (what the application passes to
 * `createAgentry`); otherwise every installed plug-in package of the project is used.
 *
 * @internal
 * @throws AgentryError `config_load_failed` when the file cannot be read or imported, or its
 *   `plugins` export is not an array of plug-ins
 */
export async function loadProjectConfiguration(file: string): Promise<ProjectConfiguration> {
  const document = await loadConfiguration(file);
  const exported = await pluginsExport(file);
  if (exported !== undefined)
    return { file, document, plugins: exported, pluginSource: 'module', found: [] };
  const found = await discoverPlugins(dirname(file));
  return {
    file,
    document,
    plugins: found.flatMap((entry) => (entry.plugin ? [entry.plugin] : [])),
    pluginSource: 'installed',
    found,
  };
}

async function pluginsExport(file: string): Promise<AgentryPlugin[] | undefined> {
  const extension = extname(file).toLowerCase();
  if (extension === '.json') return undefined;
  let namespace: Record<string, unknown>;
  if (extension === '.ts' || extension === '.mts' || extension === '.cts') {
    const { createJiti } = await import('jiti');
    namespace = await createJiti(import.meta.url, { moduleCache: false }).import<
      Record<string, unknown>
    >(file);
  } else {
    namespace = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  }
  const plugins = namespace['plugins'];
  if (plugins === undefined) return undefined;
  if (!Array.isArray(plugins) || !plugins.every(isPlugin))
    throw new AgentryError({
      code: 'config_load_failed',
      message: `The plugins export of ${file} must be an array of plug-ins, such as [openaiPlugin()].`,
      details: { file },
      suggestions: [
        'Export the plug-ins you pass to createAgentry: export const plugins = [openaiPlugin()];',
      ],
    });
  return plugins;
}
