import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  PROVIDER_TYPE_PATTERN,
  builtInProviderTypeSchema,
  builtInProviderTypes,
  isBuiltInProviderType,
  modelConfigurationSchema,
  modelRegistrySchema,
  parseModelId,
  providerPackages,
  providerTypeSchema,
  type ProviderType,
} from '../index.js';

const capabilities = {
  maxTokens: 8192,
  supportsStreaming: true,
  supportsFunctions: true,
  supportsVision: false,
  maxConcurrency: 4,
};

describe('provider types', () => {
  it('keeps the specification’s three types as the built-ins, each with its package', () => {
    expect(builtInProviderTypes).toEqual(['openai', 'anthropic', 'google']);
    for (const type of builtInProviderTypes) {
      expect(isBuiltInProviderType(type)).toBe(true);
      expect(builtInProviderTypeSchema.parse(type)).toBe(type);
      expect(providerPackages[type]).toBe(`@agentry/${type}`);
    }
    expect(isBuiltInProviderType('acme')).toBe(false);
    expect(isBuiltInProviderType('constructor')).toBe(false);
    expect(builtInProviderTypeSchema.safeParse('acme').success).toBe(false);
  });

  it('accepts any well-formed name, built-in or a plug-in’s own', () => {
    const longest = `a${'b'.repeat(62)}`;
    for (const type of ['openai', 'acme', 'acme-cloud', 'vendor2', 'a', 'x9', longest]) {
      expect(PROVIDER_TYPE_PATTERN.test(type)).toBe(true);
      expect(providerTypeSchema.parse(type)).toBe(type);
    }
  });

  it('refuses a malformed name with the rule and a corrected spelling', () => {
    const refused = [
      ['Acme', 'acme'],
      ['Acme Cloud', 'acme-cloud'],
      ['acme_cloud', 'acme-cloud'],
      ['acme-', 'acme'],
      ['9acme', 'acme'],
      ['', undefined],
      ['acme:large', 'acme-large'],
      [`a${'b'.repeat(63)}`, undefined],
    ] as const;
    for (const [type, renamed] of refused) {
      const result = providerTypeSchema.safeParse(type);
      expect(result.success, type).toBe(false);
      const [issue] = result.error?.issues ?? [];
      expect(issue?.message).toContain(`Provider type ${JSON.stringify(type)} is not a valid name`);
      const suggestion = (issue as { params?: { suggestion?: string } }).params?.suggestion;
      expect(suggestion).toBe(
        renamed
          ? `Write it as "${renamed}".`
          : 'Use a lowercase name such as openai or acme-cloud.',
      );
    }
    expect(providerTypeSchema.safeParse(42).success).toBe(false);
  });

  it('states the grammar in the JSON Schema that editors read', () => {
    expect(z.toJSONSchema(providerTypeSchema, { io: 'input' })).toMatchObject({
      type: 'string',
      pattern: PROVIDER_TYPE_PATTERN.source,
      examples: ['openai', 'anthropic', 'google', 'acme'],
    });
  });

  it('splits a model id of any well-formed provider type', () => {
    expect(parseModelId('acme:acme-large')).toEqual({ provider: 'acme', model: 'acme-large' });
    expect(parseModelId('acme-cloud:v2:latest')).toEqual({
      provider: 'acme-cloud',
      model: 'v2:latest',
    });
    expect(parseModelId('openai:gpt-4o')).toEqual({ provider: 'openai', model: 'gpt-4o' });
    for (const id of ['Acme:large', 'acme-:large', 'acme:', 'acme: large', ':large', 'acme'])
      expect(parseModelId(id), id).toBeUndefined();
  });

  it('registers models of a plug-in’s type in the model registry, and agents on them', () => {
    const registry = modelRegistrySchema.parse({
      defaultModel: 'openai:gpt-4o',
      availableModels: {
        'openai:gpt-4o': { name: 'gpt-4o', capabilities },
        'acme:acme-large': { name: 'acme-large', capabilities },
      },
      autoDetection: false,
      fallbackChain: ['acme:acme-large'],
    });
    expect(registry.fallbackChain).toEqual(['acme:acme-large']);
    const model = modelConfigurationSchema.parse({
      provider: 'acme',
      model: 'acme-large',
      version: '1',
      parameters: {},
      capabilities,
    });
    const type: ProviderType = model.provider;
    expect(type).toBe('acme');
  });

  it('says what a malformed registry key should look like', () => {
    const result = modelRegistrySchema.safeParse({
      defaultModel: 'acme:acme-large',
      availableModels: { 'Acme:acme-large': { name: 'acme-large', capabilities } },
      autoDetection: false,
      fallbackChain: [],
    });
    expect(result.success).toBe(false);
    const messages = result.error?.issues.map((issue) => issue.message) ?? [];
    expect(messages).toContain(
      'Model id "Acme:acme-large" is not of the form provider:model (a lowercase provider type such as openai or acme, a colon, and the model id without spaces).',
    );
  });
});
