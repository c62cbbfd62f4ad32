import { modelInfoSchema } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { anthropicModels, DEFAULT_ANTHROPIC_CAPABILITIES, findAnthropicModel } from './models.js';

describe('anthropicModels', () => {
  it('holds valid, uniquely named entries priced in USD', () => {
    for (const info of anthropicModels) {
      expect(modelInfoSchema.safeParse(info).success, info.name).toBe(true);
      expect(info.pricing?.currency).toBe('USD');
    }
    const names = anthropicModels.map((info) => info.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('prices cache reads below plain input', () => {
    for (const info of anthropicModels) {
      const cached = info.pricing?.cachedInputPerMillionTokens;
      if (cached !== undefined)
        expect(cached, info.name).toBeLessThan(info.pricing?.inputPerMillionTokens ?? 0);
    }
  });

  it('marks the models with an announced retirement as deprecated', () => {
    expect(
      anthropicModels.filter((info) => info.deprecated === true).map((info) => info.name),
    ).toEqual(['claude-sonnet-4-5']);
  });

  it('describes every model as streaming, calling tools and reading images', () => {
    for (const info of anthropicModels) {
      expect(info.capabilities).toMatchObject({
        supportsStreaming: true,
        supportsFunctions: true,
        supportsVision: true,
      });
    }
    expect(
      modelInfoSchema.shape.capabilities.safeParse(DEFAULT_ANTHROPIC_CAPABILITIES).success,
    ).toBe(true);
  });
});

describe('findAnthropicModel', () => {
  it('finds a model by id and a dated snapshot by its alias', () => {
    expect(findAnthropicModel(anthropicModels, 'claude-opus-5-5')?.name).toBe('claude-opus-5-5');
    expect(findAnthropicModel(anthropicModels, 'claude-sonnet-4-5-20250929')?.name).toBe(
      'claude-sonnet-4-5',
    );
    expect(findAnthropicModel(anthropicModels, 'claude-unknown-1')).toBeUndefined();
  });
});
