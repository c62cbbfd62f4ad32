import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AgentryError } from '../errors/index.js';

const moduleExtensions = new Set(['.js', '.mjs', '.cjs']);
const typeScriptExtensions = new Set(['.ts', '.mts', '.cts']);

/**
 * Reads a configuration from a file: JSON (`.json`), a JavaScript module (`.js`, `.mjs`, `.cjs`)
 * or a TypeScript module (`.ts`, `.mts`, `.cts`, loaded with the optional peer dependency `jiti`).
 * A module exports the configuration as its default export, or a function (sync or async)
 * returning it. The result is not validated yet: pass it to `createAgentry`.
 *
 * @throws AgentryError `config_load_failed` naming the file, with the line and column of a JSON
 *   syntax error, or telling to install `jiti` for TypeScript
 * @example
 * ```ts
 * const agentry = await createAgentry({ config: await loadConfiguration('agentry.config.json') });
 * ```
 */
export async function loadConfiguration(file: string): Promise<unknown> {
  const path = resolve(file);
  const extension = extname(path).toLowerCase();
  if (extension === '.json') return parseJsonFile(path);
  if (moduleExtensions.has(extension))
    return fromModule(
      path,
      await importFile(path, () => import(pathToFileURL(path).href) as Promise<unknown>),
    );
  if (typeScriptExtensions.has(extension)) {
    const jiti = await loadJiti(path);
    return fromModule(path, await importFile(path, () => jiti.import(path)));
  }
  throw new AgentryError({
    code: 'config_load_failed',
    message: `Cannot load configuration ${path}: unsupported extension "${extension}".`,
    details: { file: path },
    suggestions: ['Use a .json, .js, .mjs, .cjs, .ts, .mts or .cts file.'],
  });
}

async function parseJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new AgentryError({
      code: 'config_load_failed',
      message: `Cannot read configuration ${path}: ${(error as Error).message}`,
      details: { file: path },
      suggestions: ['Check the path and the file’s permissions.'],
      cause: error,
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message);
    const offset = position ? Number(position[1]) : undefined;
    const location = offset === undefined ? undefined : lineAndColumn(text, offset);
    const where = location ? ` at line ${location.line}, column ${location.column}` : '';
    throw new AgentryError({
      code: 'config_load_failed',
      message: `Configuration ${path} is not valid JSON${where}: ${(error as Error).message}`,
      details: { file: path, ...(location ?? {}) },
      suggestions: ['Fix the JSON syntax (trailing commas and comments are not allowed in JSON).'],
      cause: error,
    });
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
}

async function importFile(path: string, load: () => Promise<unknown>): Promise<unknown> {
  try {
    return await load();
  } catch (error) {
    throw new AgentryError({
      code: 'config_load_failed',
      message: `Cannot load configuration module ${path}: ${(error as Error).message}`,
      details: { file: path },
      suggestions: ['Run the module on its own to see the error.'],
      cause: error,
    });
  }
}

async function fromModule(path: string, namespace: unknown): Promise<unknown> {
  const exported = (namespace as { default?: unknown }).default;
  if (exported === undefined) {
    throw new AgentryError({
      code: 'config_load_failed',
      message: `Configuration module ${path} has no default export.`,
      details: { file: path },
      suggestions: ['Export the configuration with `export default { … }`.'],
    });
  }
  return typeof exported === 'function' ? await (exported as () => unknown)() : exported;
}

interface Jiti {
  import(id: string): Promise<unknown>;
}

async function loadJiti(path: string): Promise<Jiti> {
  try {
    const { createJiti } = (await import('jiti')) as {
      createJiti: (from: string, options?: object) => Jiti;
    };
    return createJiti(import.meta.url, { moduleCache: false });
  } catch (error) {
    throw new AgentryError({
      code: 'config_load_failed',
      message: `Loading the TypeScript configuration ${path} needs the optional package jiti, which is not installed.`,
      details: { file: path },
      suggestions: [
        'Install it: npm install --save-dev jiti.',
        'Or write the configuration as JSON or JavaScript.',
      ],
      cause: error,
    });
  }
}
