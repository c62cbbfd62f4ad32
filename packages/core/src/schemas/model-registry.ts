import { z } from 'zod';
import { modelInfoSchema } from './model-info.js';
import { PROVIDER_TYPE_PATTERN, type ProviderType } from './provider-type.js';

/** A provider type (see {@link PROVIDER_TYPE_PATTERN}), a colon, and a model id without spaces. */
const modelIdPattern = new RegExp(
  `^(${PROVIDER_TYPE_PATTERN.source.slice(1, -1)}):[^\\s:][^\\s]*$`,
);

/**
 * A `provider:model` id taken apart.
 *
 * @example
 * ```ts
 * import { parseModelId, type ParsedModelId } from '@agentry/core';
 *
 * const parsed: ParsedModelId | undefined = parseModelId('anthropic:claude-haiku-5-5');
 * console.log(parsed?.provider, parsed?.model); // anthropic claude-haiku-5-5
 * parseModelId('claude-haiku-5-5'); // undefined: no provider
 * ```
 */
export interface ParsedModelId {
  /** The provider type: a built-in one or a plug-in's own. */
  provider: ProviderType;
  /** The vendor's model id. */
  model: string;
}

/**
 * Splits a `provider:model` id. Returns `undefined` when the id does not have that form: a
 * well-formed provider type (built-in or a plug-in's own, see `PROVIDER_TYPE_PATTERN`), a colon,
 * and a model id without spaces. Whether a plug-in serves the type is not checked here.
 *
 * @example
 * ```ts
 * parseModelId('anthropic:claude-sonnet-4-5'); // { provider: 'anthropic', model: 'claude-sonnet-4-5' }
 * parseModelId('acme:acme-large'); // { provider: 'acme', model: 'acme-large' }
 * ```
 */
export function parseModelId(id: string): ParsedModelId | undefined {
  if (!modelIdPattern.test(id)) return undefined;
  const separator = id.indexOf(':');
  return {
    provider: id.slice(0, separator),
    model: id.slice(separator + 1),
  };
}

/**
 * The `models` section: the models agents may use, keyed by `provider:model`; the default; whether
 * a bare model name may be resolved to its provider; and the fallback chain tried in order on
 * recoverable errors. Every referenced id must be registered.
 *
 * Defaults: `availableModels` is `{}` here, and in a configuration validated by
 * `validateConfiguration` the catalogue of every installed provider plug-in serving a configured
 * provider (plus each provider entry's own `models`); `autoDetection` is `false`; `fallbackChain`
 * is `[]`. `defaultModel` has no default.
 *
 * @example
 * ```ts
 * modelRegistrySchema.parse({
 *   defaultModel: 'openai:gpt-4o', autoDetection: true, fallbackChain: ['anthropic:claude-sonnet-4-5'],
 *   availableModels: { 'openai:gpt-4o': gpt4o, 'anthropic:claude-sonnet-4-5': sonnet },
 * });
 * ```
 */
export const modelRegistrySchema = z
  .strictObject({
    /** The model used when none is named. */
    defaultModel: z.string().min(1),
    /**
     * The registered models, by `provider:model` id. Default: the configured providers' catalogues
     * (see above).
     */
    availableModels: z.record(z.string(), modelInfoSchema).default({}),
    /** Whether a bare model name (`gpt-4o`) is resolved to its provider. Default `false`. */
    autoDetection: z.boolean().default(false),
    /** Models tried in order when the current one fails recoverably; no repeats. Default `[]`. */
    fallbackChain: z.array(z.string().min(1)).default([]),
  })
  .superRefine((registry, context) => {
    const registered = Object.keys(registry.availableModels);
    for (const id of registered) {
      const parsed = parseModelId(id);
      if (!parsed) {
        context.addIssue({
          code: 'custom',
          path: ['availableModels', id],
          message: `Model id "${id}" is not of the form provider:model (a lowercase provider type such as openai or acme, a colon, and the model id without spaces).`,
          params: {
            suggestion:
              'Key each model as provider:model, such as openai:gpt-4o, anthropic:claude-sonnet-4-5 or acme:acme-large.',
          },
        });
      } else if (parsed.model !== registry.availableModels[id]?.name) {
        context.addIssue({
          code: 'custom',
          path: ['availableModels', id, 'name'],
          message: `Model "${id}" has name "${registry.availableModels[id]?.name}", which differs from the id's model part "${parsed.model}".`,
          params: { suggestion: `Set name to "${parsed.model}".` },
        });
      }
    }
    const unknown = (path: (string | number)[], id: string) =>
      context.addIssue({
        code: 'custom',
        path,
        message: `Model "${id}" is not registered in availableModels.`,
        params: {
          code: 'unknown_model',
          suggestion:
            registered.length > 0
              ? `Use one of: ${registered.join(', ')}; or register it.`
              : 'Register the model under availableModels.',
        },
      });
    if (!Object.hasOwn(registry.availableModels, registry.defaultModel))
      unknown(['defaultModel'], registry.defaultModel);
    const seen = new Set<string>();
    registry.fallbackChain.forEach((id, index) => {
      if (!Object.hasOwn(registry.availableModels, id)) unknown(['fallbackChain', index], id);
      if (seen.has(id)) {
        context.addIssue({
          code: 'custom',
          path: ['fallbackChain', index],
          message: `Model "${id}" appears twice in fallbackChain.`,
          params: { code: 'duplicate_id', suggestion: 'List each model once.' },
        });
      }
      seen.add(id);
    });
  });

/**
 * The `models` section.
 *
 * @example
 * ```ts
 * import type { Agentry, ModelRegistry } from '@agentry/core';
 *
 * declare const agentry: Agentry;
 * const models: ModelRegistry = agentry.config.models;
 * console.log(`default ${models.defaultModel}, then ${models.fallbackChain.join(' → ')}`);
 * console.log(Object.keys(models.availableModels));
 * ```
 */
export type ModelRegistry = z.infer<typeof modelRegistrySchema>;
