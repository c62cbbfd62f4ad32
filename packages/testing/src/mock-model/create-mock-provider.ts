import {
  AgentryError,
  providerTypeSchema,
  type LanguageModel,
  type ModelInfo,
  type ModelSettings,
  type ProviderFactory,
  type ProviderType,
} from '@agentry/core';
import { createMockModel } from './create-mock-model.js';

/**
 * Options of {@link createMockProvider}. Give at most one of `model` and `createModel`; with
 * neither, each model id gets its own unscripted mock model.
 *
 * @example
 * ```ts
 * import { createMockModel, mockText, type MockProviderOptions } from '@agentry/testing';
 *
 * const options: MockProviderOptions = {
 *   type: 'anthropic',
 *   createModel: { 'claude-sonnet-4-5': createMockModel({ script: [mockText('Hi')] }) },
 * };
 * ```
 */
export interface MockProviderOptions {
  /**
   * The provider type it serves: a built-in one or a third-party plug-in's own, such as `acme`
   * (any name matching `PROVIDER_TYPE_PATTERN`). Default `openai`.
   */
  type?: ProviderType;
  /**
   * The catalogue `models()` returns. Default: one entry for `model` (its id and capabilities), or
   * one per id of a `createModel` map (the id and that model's capabilities), without pricing;
   * `[]` otherwise.
   */
  models?: readonly ModelInfo[];
  /**
   * Checks an API key's format: returns `undefined` for a good key, or a sentence saying what is
   * wrong (never containing the key). Default: a key is good when it starts with `mock-` and has
   * at least 12 characters, such as `mock-0123456789`.
   */
  validateApiKey?: (apiKey: string) => string | undefined;
  /** A model returned by every `createModel` call, whatever the model id asked for. */
  model?: LanguageModel;
  /**
   * How models are created: a map from model id to the model to return (an id not in it fails
   * with `unknown_model`), or a function called for each `createModel` call.
   */
  createModel?:
    | Readonly<Record<string, LanguageModel>>
    | ((modelId: string, settings?: ModelSettings) => LanguageModel);
}

/**
 * Creates a {@link ProviderFactory} that serves mock models, for tests of code that registers
 * providers (such as `createAgentry` with a plug-in that contributes it).
 *
 * `createModel` returns `model` when given, looks the id up in a `createModel` map, calls a
 * `createModel` function, or else creates (once per id, then reuses) a mock model with that id and
 * no script. The default API-key check accepts keys that start with `mock-` and have at least 12
 * characters; its messages never contain the key.
 *
 * @throws AgentryError `validation_failed` from `createMockProvider` when both `model` and
 *   `createModel` are given or `type` is not a well-formed provider type; `unknown_model` from `createModel`
 *   when a map does not hold the id
 * @example
 * ```ts
 * import { createMockModel, createMockProvider, mockText } from '@agentry/testing';
 *
 * const model = createMockModel({ modelId: 'gpt-4o', script: [mockText('Hello!')] });
 * const provider = createMockProvider({ model });
 * provider.validateApiKey('mock-0123456789'); // undefined
 * provider.createModel('gpt-4o') === model; // true
 * ```
 */
export function createMockProvider(options: MockProviderOptions = {}): ProviderFactory {
  const type = options.type ?? 'openai';
  const { model, createModel } = options;
  if (model !== undefined && createModel !== undefined) {
    throw new AgentryError({
      code: 'validation_failed',
      message: 'Invalid mock provider options: pass either model or createModel, not both.',
      details: { path: 'createModel' },
      suggestions: ['Drop model, or drop createModel.'],
    });
  }
  if (!providerTypeSchema.safeParse(type).success) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `Invalid mock provider options: type ${JSON.stringify(type)} is not a provider type (a lowercase name such as openai or acme: letters, digits and hyphens, starting with a letter).`,
      details: { path: 'type', received: String(type) },
      suggestions: [
        'Set type to a built-in provider type (openai, anthropic, google) or a lowercase name such as acme.',
      ],
    });
  }
  const byId = new Map<string, LanguageModel>();
  const catalogue: readonly ModelInfo[] =
    options.models ??
    (model !== undefined
      ? [toModelInfo(model, model.modelId)]
      : typeof createModel === 'object'
        ? Object.entries(createModel).map(([id, entry]) => toModelInfo(entry, id))
        : []);

  return {
    specificationVersion: 'v1',
    type,
    models: () => catalogue.map((info) => structuredClone(info)),
    validateApiKey: options.validateApiKey ?? validateMockApiKey,
    createModel(modelId: string, settings?: ModelSettings): LanguageModel {
      if (model !== undefined) return model;
      if (typeof createModel === 'function') return createModel(modelId, settings);
      if (createModel !== undefined) {
        const found = Object.hasOwn(createModel, modelId) ? createModel[modelId] : undefined;
        if (found === undefined) throw unknownModel(type, modelId, createModel);
        return found;
      }
      let created = byId.get(modelId);
      if (created === undefined) {
        created = createMockModel({ provider: type, modelId });
        byId.set(modelId, created);
      }
      return created;
    },
  };
}

function validateMockApiKey(apiKey: string): string | undefined {
  if (typeof apiKey !== 'string' || !apiKey.startsWith('mock-')) {
    return 'A mock API key must start with "mock-".';
  }
  if (apiKey.length < 12) return 'A mock API key must be at least 12 characters long.';
  return undefined;
}

function toModelInfo(model: LanguageModel, name: string): ModelInfo {
  return { name, capabilities: { ...model.capabilities } };
}

function unknownModel(
  type: ProviderType,
  modelId: string,
  models: Readonly<Record<string, LanguageModel>>,
): AgentryError {
  const known = Object.keys(models);
  return new AgentryError({
    code: 'unknown_model',
    message: `Mock provider ${type} has no model ${JSON.stringify(modelId)}; it serves ${known.map((id) => JSON.stringify(id)).join(', ') || 'none'}.`,
    details: { provider: type, modelId, known },
    suggestions: [`Add ${JSON.stringify(modelId)} to the createModel map, or use a known id.`],
  });
}
