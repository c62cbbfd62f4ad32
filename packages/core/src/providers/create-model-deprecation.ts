import type { ModelDeprecation } from '../model/language-model.js';

/**
 * What {@link createModelDeprecation} says.
 *
 * @example
 * ```ts
 * import { createModelDeprecation, type CreateModelDeprecationOptions } from '@agentry/core';
 *
 * // In a provider's createModel, for a catalogue entry marked deprecated.
 * const options: CreateModelDeprecationOptions = { vendor: 'Acme', modelId: 'acme-large-1', retiresAt: '2027-03-31' };
 * const deprecation = createModelDeprecation(options);
 * console.log(deprecation.message);
 * ```
 */
export interface CreateModelDeprecationOptions {
  /** The vendor, as people name it (`Anthropic`, `OpenAI`, `Google`). */
  vendor: string;
  /** The model id the model was created with (an alias or a dated snapshot). */
  modelId: string;
  /** The day the vendor retires the model (`YYYY-MM-DD`), when it has announced one. */
  retiresAt?: string;
}

/**
 * Builds the {@link ModelDeprecation} a provider puts on a model its catalogue marks
 * `deprecated`, so that every provider words it the same way. The agent emits it once per model
 * as a `model-warning` event; a provider never prints it.
 *
 * @param options - the vendor, the model id and, when announced, the retirement day
 * @returns the deprecation, with a message that names the model, the day and what to do
 * @example
 * ```ts
 * const info = catalogue.find((entry) => entry.name === modelId);
 * const deprecation =
 *   info?.deprecated === true ? createModelDeprecation({ vendor: 'Acme', modelId }) : undefined;
 * ```
 */
export function createModelDeprecation(options: CreateModelDeprecationOptions): ModelDeprecation {
  const { vendor, modelId, retiresAt } = options;
  const when =
    retiresAt === undefined
      ? 'and has announced its retirement'
      : `and retires it on ${retiresAt}, after which calls to it fail`;
  return {
    message: `${vendor} has deprecated the model ${modelId} ${when}. Move to a newer model from the provider's catalogue (models()).`,
    ...(retiresAt !== undefined ? { retiresAt } : {}),
  };
}
