import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** An npm package installed in a project, as found on disk. @internal */
export interface InstalledPackage {
  /** Its name. */
  name: string;
  /** Its version. */
  version: string;
  /** Its directory. */
  directory: string;
  /** Its parsed `package.json`. */
  manifest: Record<string, unknown>;
}

/** The directory and every parent up to the file-system root. @internal */
export function ancestors(directory: string): string[] {
  const result = [directory];
  for (let current = directory; dirname(current) !== current; current = dirname(current))
    result.push(dirname(current));
  return result;
}

/** Reads the `package.json` of a package by name, looking in `node_modules` upward from `from`. @internal */
export function findInstalledPackage(name: string, from: string): InstalledPackage | undefined {
  for (const directory of ancestors(from)) {
    const packageDirectory = join(directory, 'node_modules', name);
    const manifest = readManifest(join(packageDirectory, 'package.json'));
    if (manifest) return toInstalled(packageDirectory, manifest);
  }
  return undefined;
}

/**
 * Every package of the `@agentry` scope installed where `from` would resolve them, nearest first
 * (a package found twice is listed once, from the nearest `node_modules`).
 *
 * @internal
 */
export function listAgentryPackages(from: string): InstalledPackage[] {
  const found = new Map<string, InstalledPackage>();
  for (const directory of ancestors(from)) {
    const scope = join(directory, 'node_modules', '@agentry');
    if (!existsSync(scope)) continue;
    for (const entry of readdirSync(scope).sort()) {
      const packageDirectory = join(scope, entry);
      const manifest = readManifest(join(packageDirectory, 'package.json'));
      if (manifest && typeof manifest['name'] === 'string' && !found.has(manifest['name']))
        found.set(manifest['name'], toInstalled(packageDirectory, manifest));
    }
  }
  return [...found.values()];
}

/** The nearest `package.json` at or above `from`, with its directory. @internal */
export function findProjectManifest(
  from: string,
): { directory: string; manifest: Record<string, unknown> } | undefined {
  for (const directory of ancestors(from)) {
    const manifest = readManifest(join(directory, 'package.json'));
    if (manifest) return { directory, manifest };
  }
  return undefined;
}

/** Imports a package by name as the project at `from` would resolve it. @internal */
export async function importFromProject(name: string, from: string): Promise<unknown> {
  const require = createRequire(join(from, 'noop.js'));
  return import(pathToFileURL(require.resolve(name)).href) as Promise<unknown>;
}

function readManifest(path: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function toInstalled(directory: string, manifest: Record<string, unknown>): InstalledPackage {
  return {
    name: String(manifest['name']),
    version: typeof manifest['version'] === 'string' ? manifest['version'] : 'unknown',
    directory,
    manifest,
  };
}
