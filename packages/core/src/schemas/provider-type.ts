import { z } from 'zod';

/**
 * The provider types of the specification, each served by an Agentry package (see
 * {@link providerPackages}). An OpenAI-compatible server is `openai` with its own endpoint.
 *
 * @example
 * ```ts
 * builtInProviderTypes.includes('anthropic'); // true
 * ```
 */
export const builtInProviderTypes = ['openai', 'anthropic', 'google'] as const;

/**
 * One of the specification's provider types.
 *
 * @example
 * ```ts
 * const type: BuiltInProviderType = 'google';
 * ```
 */
export type BuiltInProviderType = (typeof builtInProviderTypes)[number];

/**
 * Accepts exactly the specification's provider types ({@link builtInProviderTypes}).
 *
 * @example
 * ```ts
 * builtInProviderTypeSchema.safeParse('acme').success; // false
 * ```
 */
export const builtInProviderTypeSchema = z.literal(builtInProviderTypes);

/**
 * The grammar of a provider type: 1 to 63 characters of lowercase ASCII letters, digits and
 * hyphens, starting with a letter and not ending with a hyphen (`acme`, `acme-cloud`, `vendor2`).
 * No colon, so a `provider:model` id splits at its first one.
 *
 * @example
 * ```ts
 * PROVIDER_TYPE_PATTERN.test('acme-cloud'); // true
 * PROVIDER_TYPE_PATTERN.test('Acme'); // false
 * ```
 */
export const PROVIDER_TYPE_PATTERN = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A provider type: one of the {@link BuiltInProviderType}s or the type a third-party provider
 * plug-in declares (any name matching {@link PROVIDER_TYPE_PATTERN}). Code that switches over
 * provider types needs a `default` branch for the types of other plug-ins.
 *
 * @example
 * ```ts
 * const types: ProviderType[] = ['openai', 'acme'];
 * ```
 */
export type ProviderType = BuiltInProviderType | (string & {});

/**
 * Accepts any well-formed provider type ({@link PROVIDER_TYPE_PATTERN}). Whether a plug-in serves
 * it is checked where the configuration meets the installed plug-ins (`validateConfiguration`,
 * `createAgentry`), which refuse a type no installed plug-in serves.
 *
 * @example
 * ```ts
 * providerTypeSchema.parse('anthropic');
 * providerTypeSchema.parse('acme'); // a third-party plug-in's type
 * providerTypeSchema.safeParse('Acme Cloud').success; // false
 * ```
 */
export const providerTypeSchema: z.ZodType<ProviderType, string> = z
  .string()
  .superRefine((value, context) => {
    if (PROVIDER_TYPE_PATTERN.test(value)) return;
    const renamed = value
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^[^a-z]+|-+$/g, '');
    context.addIssue({
      code: 'custom',
      message: `Provider type ${JSON.stringify(value)} is not a valid name: use 1 to 63 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen.`,
      params: {
        suggestion: PROVIDER_TYPE_PATTERN.test(renamed)
          ? `Write it as "${renamed}".`
          : 'Use a lowercase name such as openai or acme-cloud.',
      },
    });
  })
  // For editors reading the configuration's JSON Schema (`z.toJSONSchema`).
  .meta({
    description:
      "A provider type: a built-in one (openai, anthropic, google) or an installed plug-in's own.",
    pattern: PROVIDER_TYPE_PATTERN.source,
    examples: [...builtInProviderTypes, 'acme'],
  });

/**
 * Whether a provider type is one of the specification's.
 *
 * @example
 * ```ts
 * isBuiltInProviderType('google'); // true
 * isBuiltInProviderType('acme'); // false
 * ```
 */
export function isBuiltInProviderType(type: string): type is BuiltInProviderType {
  return (builtInProviderTypes as readonly string[]).includes(type);
}

/**
 * The npm package of the plug-in that serves each built-in provider type.
 *
 * @example
 * ```ts
 * providerPackages.anthropic; // '@agentry/anthropic'
 * ```
 */
export const providerPackages: Readonly<Record<BuiltInProviderType, string>> = {
  openai: '@agentry/openai',
  anthropic: '@agentry/anthropic',
  google: '@agentry/google',
};
