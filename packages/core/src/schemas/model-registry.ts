import { z } from 'zod';
import { modelInfoSchema } from './model-info.js';
import { providerTypeSchema } from './provider-type.js';

const modelIdPattern = /^(openai|anthropic|google):[^\s:][^\s]*$/;

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
  /** The vendor. */
  provider: z.infer<typeof providerTypeSchema>;
  /** The vendor's model id. */
  model: string;
}

/**
 * Splits a `provider:model` id. Returns `undefined` when the id does not have that form.
 *
 * @example
 * ```ts
 * parseModelId('anthropic:claude-sonnet-4-5'); // { provider: 'anthropic', model: 'claude-sonnet-4-5' }
 * ```
 */
export function parseModelId(id: string): ParsedModelId | undefined {
  if (!modelIdPattern.test(id)) return undefined;
  const separator = id.indexOf(':');
  return {
    provider: providerTypeSchema.parse(id.slice(0, separator)),
    model: id.slice(separator + 1),
  };
}

/**
 * The `models` section: the models agents may use, keyed by `provider:model`; the default; whether
 * a bare model name may be resolved to its provider; and the fallback chain tried in order on
 * recoverable errors. Every referenced id must be registered.
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
    /** The registered models, by `provider:model` id. */
    availableModels: z.record(z.string(), modelInfoSchema),
    /** Whether a bare model name (`gpt-4o`) is resolved to its provider. */
    autoDetection: z.boolean(),
    /** Models tried in order when the current one fails recoverably; no repeats. */
    fallbackChain: z.array(z.string().min(1)),
  })
  .superRefine((registry, context) => {
    const registered = Object.keys(registry.availableModels);
    for (const id of registered) {
      const parsed = parseModelId(id);
      if (!parsed) {
        context.addIssue({
          code: 'custom',
          path: ['availableModels', id],
          message: `Model id "${id}" is not of the form provider:model.`,
          params: {
            suggestion:
              'Key each model as provider:model, such as openai:gpt-4o or anthropic:claude-sonnet-4-5.',
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
