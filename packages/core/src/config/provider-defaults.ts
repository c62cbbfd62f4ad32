import type { PluginRegistry } from '../plugins/index.js';
import type { ModelInfo } from '../schemas/model-info.js';
import { formatPath } from '../schemas/serializable.js';
import { apiKeyVariablesOf, readApiKeyVariable } from '../providers/api-key-variables.js';
import { describeMissingProvider } from '../plugins/missing-provider.js';
import { PROVIDER_TYPE_PATTERN } from '../schemas/provider-type.js';
import type { ConfigurationIssue } from './configuration-issue.js';

/** What {@link fillProviderDefaults} found and changed. */
export interface ProviderDefaults {
  /** Problems: a keyless `api_key` entry whose environment variables are all unset. */
  issues: ConfigurationIssue[];
  /** The dotted path of each key read from the environment, with the variable's name. */
  keysFromEnvironment: Map<string, string>;
  /**
   * Paths whose problem is one of `issues` under another path: the key of an entry whose provider
   * type no plug-in serves is missing because nobody can say where to read it from, so only the
   * missing plug-in is reported.
   */
  explainedPaths: Set<string>;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Fills the defaults that depend on the environment and the installed plug-ins, in place, before
 * the configuration is parsed:
 *
 * - an `api_key` provider entry (the default method) without `configuration.apiKey` gets the value
 *   of its type's API-key environment variable (`apiKeyVariablesOf`); when none is set, an issue
 *   names the variables and the path, never a value;
 * - a `models` section without `availableModels` gets the catalogue of every installed provider
 *   plug-in serving a configured provider, keyed `type:name`, with each entry's own `models`
 *   winning over its catalogue's.
 *
 * @internal
 */
export function fillProviderDefaults(
  document: Json,
  registry: PluginRegistry,
  env: Readonly<Record<string, string | undefined>>,
  referencePaths: ReadonlySet<string>,
): ProviderDefaults {
  const result: ProviderDefaults = {
    issues: [],
    keysFromEnvironment: new Map(),
    explainedPaths: new Set(),
  };
  const authentication = document.authentication;
  const providers =
    isObject(authentication) && Array.isArray(authentication.providers)
      ? authentication.providers
      : [];

  const catalogue: Record<string, ModelInfo> = {};
  providers.forEach((entry: unknown, index) => {
    if (!isObject(entry) || typeof entry.type !== 'string') return;
    const type = entry.type;
    const factory = registry.provider(type);
    const keyless = keylessApiKey(entry);
    const segments = ['authentication', 'providers', index, 'authentication', 'configuration'];
    const path = formatPath([...segments, 'apiKey']);
    if (factory === undefined) {
      // A keyless entry would fail to parse for its missing key before the missing plug-in (the
      // real problem, and the one that knows where the key would come from) could be reported;
      // the schema reports a malformed type itself, and any other entry of an unserved type
      // parses and is reported as plugin_missing afterwards.
      if (keyless !== undefined && PROVIDER_TYPE_PATTERN.test(type)) {
        const note = '; its API key would be read from the environment variable that plug-in names';
        result.issues.push(missingProviderIssue({ name: entry.name, type }, index, registry, note));
        result.explainedPaths.add(path);
      }
      return;
    }
    for (const model of factory.models()) catalogue[`${type}:${model.name}`] = model;
    if (Array.isArray(entry.models)) {
      for (const model of entry.models as unknown[]) {
        if (isObject(model) && typeof model.name === 'string')
          catalogue[`${type}:${model.name}`] = model as ModelInfo;
      }
    }

    if (keyless === undefined) return;
    const { method, configuration } = keyless;
    // A reference that resolved to nothing is reported as such, not replaced by the environment.
    if (referencePaths.has(path)) return;
    const names = apiKeyVariablesOf(type, factory);
    const found = readApiKeyVariable(names, env);
    if (found !== undefined) {
      entry.authentication = {
        ...method,
        configuration: { ...configuration, apiKey: found.value },
      };
      result.keysFromEnvironment.set(path, found.name);
      return;
    }
    const name = typeof entry.name === 'string' ? entry.name : entry.type;
    result.issues.push({
      path,
      segments: [...segments, 'apiKey'],
      code: 'secret_unresolved',
      message:
        names.length === 0
          ? `Provider "${name}" has no API key: its entry gives no apiKey, and the ${entry.type} plug-in names no environment variable to read one from.`
          : `Provider "${name}" has no API key: its entry gives no apiKey, and ${describeNames(names)} in the environment.`,
      suggestion:
        names.length === 0
          ? `Set ${path}, best as an \${secret:name} or \${env:NAME} reference.`
          : `Set ${names.length === 1 ? names[0] : `one of ${names.join(', ')}`} (or pass it in the env option of createAgentry), or set ${path} to an \${secret:name} or \${env:NAME} reference.`,
    });
  });

  const models = document.models;
  if ((models === undefined || isObject(models)) && models?.availableModels === undefined) {
    document.models = { ...models, availableModels: catalogue };
  }
  return result;
}

/** The method and configuration of an `api_key` entry (the default method) that gives no key. */
function keylessApiKey(entry: Json): { method: Json; configuration: Json } | undefined {
  const method = entry.authentication ?? { type: 'api_key' };
  if (!isObject(method) || method.type !== 'api_key') return undefined;
  const configuration = method.configuration ?? {};
  if (!isObject(configuration) || configuration.apiKey !== undefined) return undefined;
  return { method, configuration };
}

/**
 * `plugin_missing` at the `type` of provider entry `index`: no installed plug-in serves it.
 *
 * @internal
 */
export function missingProviderIssue(
  entry: { name?: unknown; type: string },
  index: number,
  registry: PluginRegistry,
  note = '',
): ConfigurationIssue {
  const { type } = entry;
  const segments = ['authentication', 'providers', index, 'type'];
  const missing = describeMissingProvider(type, registry);
  const name = typeof entry.name === 'string' ? entry.name : type;
  return {
    path: formatPath(segments),
    segments,
    code: 'plugin_missing',
    message: `Provider "${name}" is of type ${type}, and ${missing.clause}${note}.`,
    suggestion: missing.suggestion,
    received: type,
  };
}

function describeNames(names: readonly string[]): string {
  return names.length === 1 ? `${names[0]} is not set` : `none of ${names.join(', ')} is set`;
}
