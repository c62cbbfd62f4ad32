import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AgentryError } from '@agentry/core';

/**
 * Imports a JavaScript or TypeScript module given on the command line (TypeScript through jiti).
 *
 * @internal
 * @throws AgentryError `not_found` naming the path when the file does not exist;
 *   `config_load_failed` when importing it throws
 */
export async function importModule(
  cwd: string,
  path: string,
  what: string,
): Promise<Record<string, unknown>> {
  const file = resolve(cwd, path);
  if (!existsSync(file))
    throw new AgentryError({
      code: 'not_found',
      message: `The ${what} ${file} does not exist.`,
      details: { file },
      suggestions: ['Check the path (it is resolved against the current directory).'],
    });
  try {
    const extension = extname(file).toLowerCase();
    if (extension === '.ts' || extension === '.mts' || extension === '.cts') {
      const { createJiti } = await import('jiti');
      return await createJiti(import.meta.url, { moduleCache: false }).import<
        Record<string, unknown>
      >(file);
    }
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new AgentryError({
      code: 'config_load_failed',
      message: `Cannot import the ${what} ${file}: ${error instanceof Error ? error.message : String(error)}`,
      details: { file },
      suggestions: ['Run the module with node (or tsx) on its own to see the error.'],
      cause: error,
    });
  }
}
