import { AgentryError } from '../errors/agentry-error.js';
import type { ProviderFactory } from '../model/language-model.js';

/**
 * The environment variables each built-in provider type reads its API key from when none is
 * configured, the first one set (and not empty) winning: `OPENAI_API_KEY` for `openai`,
 * `ANTHROPIC_API_KEY` for `anthropic`, `GOOGLE_API_KEY` then `GEMINI_API_KEY` for `google`. Both a
 * keyless `api_key` provider entry in a configuration and a provider created without credentials
 * (`createProviderCredentials`) read these.
 *
 * @example
 * ```ts
 * providerApiKeyVariables.anthropic; // ['ANTHROPIC_API_KEY']
 * ```
 */
export const providerApiKeyVariables = {
  /** `@agentry/openai`'s variable. */
  openai: ['OPENAI_API_KEY'],
  /** `@agentry/anthropic`'s variable. */
  anthropic: ['ANTHROPIC_API_KEY'],
  /** `@agentry/google`'s variables, in the order they are read. */
  google: ['GOOGLE_API_KEY', 'GEMINI_API_KEY'],
} as const satisfies Readonly<Record<string, readonly string[]>>;

/**
 * The API-key environment variables of a provider type: those its factory declares
 * (`ProviderFactory.apiKeyEnvironmentVariables`), else the built-in ones of
 * {@link providerApiKeyVariables}, else none.
 *
 * @throws AgentryError `plugin_incompatible` when the factory declares something other than a list
 *   of variable names
 *
 * @example
 * ```ts
 * apiKeyVariablesOf('openai'); // ['OPENAI_API_KEY']
 * apiKeyVariablesOf('acme', acmeFactory); // what acmeFactory declares, or []
 * ```
 */
export function apiKeyVariablesOf(type: string, factory?: ProviderFactory): readonly string[] {
  const declared: unknown = factory?.apiKeyEnvironmentVariables;
  if (declared !== undefined) {
    if (
      !Array.isArray(declared) ||
      !declared.every((name) => typeof name === 'string' && /^[A-Za-z_]\w*$/.test(name))
    ) {
      throw new AgentryError({
        code: 'plugin_incompatible',
        message: `The provider factory of type ${type} declares apiKeyEnvironmentVariables that is not a list of environment variable names.`,
        details: { type },
        suggestions: [
          "Declare the names as an array of strings, such as ['ACME_API_KEY'], or leave the field out.",
        ],
      });
    }
    return declared as readonly string[];
  }
  return Object.hasOwn(providerApiKeyVariables, type)
    ? providerApiKeyVariables[type as keyof typeof providerApiKeyVariables]
    : [];
}

/**
 * An API key found in the environment by {@link readApiKeyVariable}.
 *
 * @example
 * ```ts
 * const found: ApiKeyVariable | undefined = readApiKeyVariable(['OPENAI_API_KEY'], process.env);
 * ```
 */
export interface ApiKeyVariable {
  /** The variable it was read from, safe to print. */
  name: string;
  /** The key itself: a secret, never to be printed or logged. */
  value: string;
}

/**
 * Reads the first of `names` that is set (and not empty) in `env`. Returns its name and value, or
 * `undefined` when none is. The one place Agentry reads an API key from the environment.
 *
 * @example
 * ```ts
 * const found = readApiKeyVariable(['GOOGLE_API_KEY', 'GEMINI_API_KEY'], process.env);
 * if (found) console.log(`using ${found.name}`); // never print found.value
 * ```
 */
export function readApiKeyVariable(
  names: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ApiKeyVariable | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== '') return { name, value };
  }
  return undefined;
}
