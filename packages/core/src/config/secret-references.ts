import { AgentryError } from '../errors/index.js';
import { formatPath } from '../schemas/serializable.js';
import type { ConfigurationIssue } from './configuration-issue.js';

const referencePattern = /^\$\{(env|secret):([A-Za-z_][\w./-]*)\}$/;

/**
 * Resolves `${secret:name}` references: returns the secret, or `undefined` when it has none by
 * that name. It may be async (a vault client, a cloud secret manager).
 *
 * @example
 * ```ts
 * import { createAgentry, loadConfiguration, type SecretResolver } from '@agentry/core';
 *
 * // Answers "${secret:name}" references, here from a vault over HTTP; `path` says where the reference was.
 * const resolveSecret: SecretResolver = async (name, path) => {
 *   const response = await fetch(`https://vault.internal.example/v1/secret/${encodeURIComponent(name)}`);
 *   if (response.status === 404) return undefined; // reported as an issue at `path`
 *   return ((await response.json()) as { value: string }).value;
 * };
 * const agentry = await createAgentry({ config: await loadConfiguration('agentry.config.json'), resolveSecret });
 * ```
 */
export type SecretResolver = (
  name: string,
  path: string,
) => string | undefined | Promise<string | undefined>;

/**
 * Where secrets in a configuration come from.
 *
 * @example
 * ```ts
 * import { resolveSecretReferences, type SecretSources } from '@agentry/core';
 *
 * // Values for ${env:…} from a test's own map instead of process.env, and no ${secret:…} resolver.
 * const sources: SecretSources = { env: { OPENAI_API_KEY: 'test-key' } };
 * const { value, issues } = await resolveSecretReferences({ apiKey: '${env:OPENAI_API_KEY}' }, sources);
 * ```
 */
export interface SecretSources {
  /** Values for `${env:NAME}`; defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Resolves `${secret:name}` references. */
  resolveSecret?: SecretResolver;
}

/**
 * What {@link resolveSecretReferences} returns.
 *
 * @example
 * ```ts
 * import { resolveSecretReferences, type ResolvedSecrets } from '@agentry/core';
 *
 * const resolved: ResolvedSecrets = await resolveSecretReferences(
 *   { providers: [{ apiKey: '${env:OPENAI_API_KEY}' }] },
 *   { env: process.env },
 * );
 * // Where secrets came from (mask them when printing), and references that could not be resolved.
 * console.log([...resolved.referencePaths], resolved.issues.map((issue) => issue.path));
 * ```
 */
export interface ResolvedSecrets {
  /** A copy of the input with every reference replaced by its secret. */
  value: unknown;
  /** The dotted paths that held references (their values are secrets). */
  referencePaths: Set<string>;
  /** References that could not be resolved. */
  issues: ConfigurationIssue[];
}

/**
 * Replaces every string of the form `${env:NAME}` or `${secret:name}` with the secret it names.
 * A reference must be the whole string. Unresolved references are reported, never left in place.
 *
 * @example
 * ```ts
 * const { value } = await resolveSecretReferences({ apiKey: '${env:OPENAI_API_KEY}' }, { env: process.env });
 * ```
 */
export async function resolveSecretReferences(
  input: unknown,
  sources: SecretSources = {},
): Promise<ResolvedSecrets> {
  const env = sources.env ?? process.env;
  const referencePaths = new Set<string>();
  const issues: ConfigurationIssue[] = [];

  const walk = async (value: unknown, segments: (string | number)[]): Promise<unknown> => {
    if (typeof value === 'string') {
      const match = referencePattern.exec(value);
      if (!match) return value;
      const [, kind, name = ''] = match;
      const path = formatPath(segments);
      referencePaths.add(path);
      const resolved =
        kind === 'env' ? env[name] : await resolveNamed(sources.resolveSecret, name, path);
      if (resolved === undefined || resolved === '') {
        issues.push({
          path,
          segments,
          code: 'secret_unresolved',
          message:
            kind === 'env'
              ? `Environment variable ${name} is not set (referenced by ${value}).`
              : `Secret "${name}" was not found by the secret resolver.`,
          received: value,
          suggestion:
            kind === 'env'
              ? `Set ${name} in the environment, or pass it in the env option of createAgentry.`
              : 'Pass a resolveSecret function that knows this secret, or use an ${env:…} reference.',
        });
      }
      return resolved;
    }
    if (Array.isArray(value))
      return Promise.all(value.map((item, index) => walk(item, [...segments, index])));
    if (
      typeof value === 'object' &&
      value !== null &&
      Object.getPrototypeOf(value) === Object.prototype
    ) {
      const entries = await Promise.all(
        Object.entries(value).map(
          async ([key, child]) => [key, await walk(child, [...segments, key])] as const,
        ),
      );
      return Object.fromEntries(entries);
    }
    return value;
  };

  return { value: await walk(input, []), referencePaths, issues };
}

async function resolveNamed(
  resolver: SecretResolver | undefined,
  name: string,
  path: string,
): Promise<string | undefined> {
  if (!resolver) return undefined;
  try {
    return await resolver(name, path);
  } catch (error) {
    throw new AgentryError({
      code: 'secret_unresolved',
      message: `The secret resolver failed for "${name}" at ${path}.`,
      details: { name, path },
      suggestions: ['Check the secret store the resolver reads from.'],
      cause: error,
    });
  }
}
