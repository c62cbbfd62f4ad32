import { relative, resolve } from 'node:path';
import {
  AgentryError,
  validateConfiguration,
  VERSION as coreVersion,
  type AgentryPlugin,
  type ConfigurationIssue,
} from '@agentry/core';
import { createSqliteStore } from '@agentry/store-sqlite';
import { exitCodes } from '../cli-io.js';
import type { CommandSpec } from '../command.js';
import { discoverPlugins } from '../discover-plugins.js';
import {
  configurationFileNames,
  findConfigurationFile,
  loadProjectConfiguration,
} from '../load-project-configuration.js';
import { listAgentryPackages } from '../project-packages.js';
import { VERSION } from '../version.js';

/** One finding of `agentry doctor`. @internal */
interface Check {
  area: 'node' | 'packages' | 'plugins' | 'configuration' | 'stores' | 'services';
  name: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
  suggestion?: string;
}

const minimumNode = [20, 19] as const;

/** `agentry doctor`. @internal */
export const doctorCommand: CommandSpec = {
  name: 'doctor',
  summary: 'Check the installation: Node, packages, plug-ins, configuration, stores and services.',
  usage: 'agentry doctor [--config <file>] [--store <file>]... [--url <url>]... [--json]',
  description: [
    'Reports the Node version, the @agentry packages installed in the project (and whether their',
    'versions agree), the plug-ins found and whether they load, the configuration (when one is',
    'found or given) validated with them, each SQLite store file given with --store opened',
    'read-only, and each service given with --url (the emulator, a proxy) or named as a provider',
    'endpoint in the configuration reached.',
    'Exits 1 when something is wrong.',
  ].join('\n'),
  options: {
    config: {
      type: 'string',
      valueName: 'file',
      description: `The configuration (default: the first of ${configurationFileNames.join(', ')}).`,
    },
    store: {
      type: 'string',
      multiple: true,
      valueName: 'file',
      description: 'A SQLite store file to open (repeatable).',
    },
    url: {
      type: 'string',
      multiple: true,
      valueName: 'url',
      description: 'A service to reach, such as http://127.0.0.1:8787 (repeatable).',
    },
    timeout: {
      type: 'string',
      valueName: 'ms',
      description: 'How long to wait for each service (default 3000).',
    },
  },
  positionals: { min: 0, max: 0 },
  examples: [
    'agentry doctor',
    'agentry doctor --store ./data/agentry.db --url http://127.0.0.1:8787 --json',
  ],
  async run({ values, io, output }) {
    const checks: Check[] = [];
    const progress = output.progress('Checking Node and packages');
    try {
      checks.push(checkNode());
      const installed = listAgentryPackages(io.cwd);
      checks.push({
        area: 'packages',
        name: '@agentry/cli',
        status: 'ok',
        detail: `${VERSION} (running), with @agentry/core ${coreVersion}`,
      });
      for (const found of installed)
        checks.push({
          area: 'packages',
          name: found.name,
          status: 'ok',
          detail: `${found.version} in ${relative(io.cwd, found.directory) || '.'}`,
        });
      const versions = new Set(
        installed
          .filter((found) => found.manifest['private'] !== true)
          .map((found) => found.version),
      );
      if (versions.size > 1)
        checks.push({
          area: 'packages',
          name: 'versions',
          status: 'fail',
          detail: `The @agentry packages have different versions (${[...versions].join(', ')}).`,
          suggestion: 'Install one version of every @agentry package: they are released together.',
        });
      const projectCore = installed.find((found) => found.name === '@agentry/core');
      if (projectCore !== undefined && projectCore.version !== coreVersion)
        checks.push({
          area: 'packages',
          name: '@agentry/core',
          status: 'warn',
          detail: `The project has @agentry/core ${projectCore.version}; this command validates with ${coreVersion}.`,
          suggestion: `Install the @agentry/cli that matches: npm install --save-dev @agentry/cli@${projectCore.version}.`,
        });
      if (installed.length === 0)
        checks.push({
          area: 'packages',
          name: '@agentry/*',
          status: 'warn',
          detail: `No @agentry package is installed in ${io.cwd}.`,
          suggestion: 'Run agentry doctor in your project, or install @agentry/core.',
        });

      progress.update('Loading plug-ins');
      for (const found of await discoverPlugins(io.cwd))
        checks.push(
          found.plugin
            ? {
                area: 'plugins',
                name: found.packageName,
                status: 'ok',
                detail: `${found.plugin.name} ${found.plugin.version} (${found.factory}())${servedTypes(found.plugin)}`,
              }
            : {
                area: 'plugins',
                name: found.packageName,
                status: 'fail',
                detail: found.problem ?? 'not loaded',
                suggestion: `Reinstall ${found.packageName} (is it built?).`,
              },
        );

      progress.update('Validating the configuration');
      const configuration = await checkConfiguration(
        io.cwd,
        typeof values['config'] === 'string' ? values['config'] : undefined,
        io.env,
      );
      checks.push(configuration.check);

      progress.update('Opening stores');
      for (const path of (values['store'] as string[] | undefined) ?? [])
        checks.push(await checkStore(resolve(io.cwd, path)));

      progress.update('Reaching services');
      const timeout = Number(values['timeout'] ?? 3000);
      const urls = new Set([
        ...((values['url'] as string[] | undefined) ?? []),
        ...configuration.endpoints,
      ]);
      for (const url of urls)
        checks.push(await checkService(url, Number.isFinite(timeout) ? timeout : 3000));
    } finally {
      progress.end();
    }
    const failed = checks.filter((check) => check.status === 'fail');
    output.result({ ok: failed.length === 0, node: process.version, checks });
    for (const check of checks) {
      const mark = check.status === 'ok' ? '✓' : check.status === 'warn' ? '!' : '✗';
      output.line(`${mark} ${check.area.padEnd(13)} ${check.name}: ${check.detail}`);
      if (check.suggestion) output.line(`    fix: ${check.suggestion}`);
    }
    output.line(
      failed.length === 0
        ? 'Nothing wrong found.'
        : `${failed.length} problem${failed.length === 1 ? '' : 's'} found.`,
    );
    return failed.length === 0 ? exitCodes.ok : exitCodes.problems;
  },
};

function checkNode(): Check {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const supported = major > minimumNode[0] || (major === minimumNode[0] && minor >= minimumNode[1]);
  return supported
    ? { area: 'node', name: 'node', status: 'ok', detail: process.version }
    : {
        area: 'node',
        name: 'node',
        status: 'fail',
        detail: `${process.version} is older than the ${minimumNode.join('.')} Agentry needs.`,
        suggestion: 'Install Node.js 20.19 or newer.',
      };
}

/** The configuration's check, and the provider endpoints it names (reached as services). */
async function checkConfiguration(
  cwd: string,
  given: string | undefined,
  env: CheckEnv,
): Promise<{ check: Check; endpoints: string[] }> {
  let file: string;
  try {
    file = findConfigurationFile(cwd, given);
  } catch (error) {
    if (given !== undefined)
      return { check: failure('configuration', given, error), endpoints: [] };
    return {
      check: {
        area: 'configuration',
        name: 'configuration',
        status: 'warn',
        detail: `No configuration file in ${cwd}.`,
        suggestion: 'Pass one with --config, or run agentry doctor where it is.',
      },
      endpoints: [],
    };
  }
  const name = relative(cwd, file) || file;
  let endpoints: string[] = [];
  try {
    const project = await loadProjectConfiguration(file);
    endpoints = providerEndpoints(project.document);
    await validateConfiguration(project.document, { plugins: project.plugins, env });
    return { check: { area: 'configuration', name, status: 'ok', detail: 'valid' }, endpoints };
  } catch (error) {
    const issues = AgentryError.isInstance(error) ? error.details['issues'] : undefined;
    if (Array.isArray(issues))
      return {
        check: {
          area: 'configuration',
          name,
          status: 'fail',
          detail: `${issues.length} problem${issues.length === 1 ? '' : 's'}${firstIssue(issues)}`,
          suggestion: `See them with: agentry validate ${name}`,
        },
        endpoints,
      };
    return { check: failure('configuration', name, error), endpoints };
  }
}

/** The provider types a plug-in serves, as doctor shows them after its name. */
function servedTypes(plugin: AgentryPlugin): string {
  const types = (plugin.providers ?? []).map((provider) => String(provider.type));
  if (types.length === 0) return '';
  return `, provider type${types.length === 1 ? '' : 's'} ${types.join(', ')}`;
}

/** The first of a configuration's problems (its path and message; never a secret), to show. */
function firstIssue(issues: readonly unknown[]): string {
  const first = issues[0] as Partial<ConfigurationIssue> | undefined;
  if (typeof first?.path !== 'string' || typeof first.message !== 'string') return '';
  return `${issues.length === 1 ? '' : ', the first'}: ${first.path}: ${first.message}`;
}

/** The `endpoint` of each provider in a configuration, when it is an http(s) URL. */
function providerEndpoints(document: unknown): string[] {
  const providers = (document as { authentication?: { providers?: unknown } } | undefined)
    ?.authentication?.providers;
  if (!Array.isArray(providers)) return [];
  return providers.flatMap((provider: unknown) => {
    const endpoint = (provider as { endpoint?: unknown } | null)?.endpoint;
    return typeof endpoint === 'string' && /^https?:\/\//.test(endpoint) ? [endpoint] : [];
  });
}

type CheckEnv = Readonly<Record<string, string | undefined>>;

async function checkStore(path: string): Promise<Check> {
  try {
    const store = await Promise.resolve(createSqliteStore({ path, readonly: true }));
    const page = await store.list('', { limit: 1 });
    await store.close();
    return {
      area: 'stores',
      name: path,
      status: 'ok',
      detail: `opened read-only (${page.entries.length === 0 ? 'empty' : 'has entries'})`,
    };
  } catch (error) {
    return failure('stores', path, error);
  }
}

async function checkService(url: string, timeoutMs: number): Promise<Check> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return {
      area: 'services',
      name: url,
      status: 'ok',
      detail: `reachable (HTTP ${response.status})`,
    };
  } catch (error) {
    const reason =
      error instanceof Error
        ? ((error.cause as Error | undefined)?.message ?? error.message)
        : String(error);
    return {
      area: 'services',
      name: url,
      status: 'fail',
      detail: `unreachable: ${reason}`,
      suggestion: 'Start the service (agentry emulator for the emulator) or correct the URL.',
    };
  }
}

function failure(area: Check['area'], name: string, error: unknown): Check {
  const agentryError = AgentryError.isInstance(error) ? error : undefined;
  return {
    area,
    name,
    status: 'fail',
    detail: error instanceof Error ? error.message : String(error),
    ...(agentryError?.suggestions[0] ? { suggestion: agentryError.suggestions[0] } : {}),
  };
}
