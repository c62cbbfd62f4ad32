import { AgentryError } from '../errors/index.js';
import type { ModelRegistry } from '../schemas/model-registry.js';

const namePrefixes: readonly [RegExp, string][] = [
  [/^(gpt-|o\d|chatgpt-|text-embedding-)/, 'openai'],
  [/^claude-/, 'anthropic'],
  [/^(gemini-|gemma-)/, 'google'],
];

/**
 * Turns what a caller names (`provider:model`, a bare model name, or nothing) into a registered
 * `provider:model` id. A bare name is resolved only when `autoDetection` is on: first by a unique
 * registered id ending in it, then by the vendor's naming (`gpt-`, `o1`…: openai; `claude-`:
 * anthropic; `gemini-`: google).
 *
 * @throws AgentryError `unknown_model` naming the registered models
 * @example
 * ```ts
 * resolveModelId('claude-sonnet-4-5', registry); // 'anthropic:claude-sonnet-4-5'
 * ```
 */
export function resolveModelId(requested: string | undefined, registry: ModelRegistry): string {
  const registered = Object.keys(registry.availableModels);
  const unknown = (message: string) =>
    new AgentryError({
      code: 'unknown_model',
      message,
      details: { requested, registered },
      suggestions: [
        `Use one of: ${registered.join(', ')}; or register the model under models.availableModels.`,
      ],
    });
  const id = requested ?? registry.defaultModel;
  if (id.includes(':')) {
    if (!Object.hasOwn(registry.availableModels, id))
      throw unknown(`Model ${id} is not registered in the model registry.`);
    return id;
  }
  if (!registry.autoDetection)
    throw unknown(
      `Model "${id}" names no provider and models.autoDetection is off; write it as provider:model.`,
    );
  const matches = registered.filter((key) => key.endsWith(`:${id}`));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1)
    throw unknown(
      `Model "${id}" is registered under several providers (${matches.join(', ')}); name the provider.`,
    );
  const provider = namePrefixes.find(([pattern]) => pattern.test(id))?.[1];
  const guess = provider && `${provider}:${id}`;
  if (guess && Object.hasOwn(registry.availableModels, guess)) return guess;
  throw unknown(
    guess
      ? `Model "${id}" looks like ${guess}, which is not registered.`
      : `Model "${id}" is not registered and its provider cannot be told from its name.`,
  );
}
