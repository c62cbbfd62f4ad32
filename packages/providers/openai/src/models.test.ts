import { modelInfoSchema } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { findModelInfo, isReasoningModel, openaiModels } from './models.js';

describe('openaiModels', () => {
  it('holds valid model entries with unique names and USD prices', () => {
    for (const info of openaiModels) {
      expect(modelInfoSchema.safeParse(info).success).toBe(true);
      expect(info.pricing?.currency).toBe('USD');
    }
    const names = openaiModels.map((info) => info.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('prices cached input below input wherever OpenAI publishes a cached price', () => {
    for (const { pricing } of openaiModels) {
      if (pricing?.cachedInputPerMillionTokens === undefined) continue;
      expect(pricing.cachedInputPerMillionTokens).toBeLessThan(pricing.inputPerMillionTokens);
    }
  });

  it('marks models whose shutdown OpenAI has announced', () => {
    expect(findModelInfo(openaiModels, 'gpt-4o')?.deprecated).toBe(true);
    expect(findModelInfo(openaiModels, 'gpt-5.4')?.deprecated).toBe(undefined);
  });
});

describe('findModelInfo', () => {
  it('finds a dated snapshot under its family', () => {
    expect(findModelInfo(openaiModels, 'gpt-4.1-2025-04-14')?.name).toBe('gpt-4.1');
    expect(findModelInfo(openaiModels, 'gpt-5.4-mini-2026-03-17')?.name).toBe('gpt-5.4-mini');
  });

  it('finds nothing for an id it does not know', () => {
    expect(findModelInfo(openaiModels, 'gpt-4.1-turbo')).toBe(undefined);
    expect(findModelInfo(openaiModels, 'llama3.3-2025-01-01')).toBe(undefined);
  });
});

describe('isReasoningModel', () => {
  it.each([
    ['gpt-5.4', true],
    ['gpt-6-luna', true],
    ['o3', true],
    ['gpt-4.1', false],
    ['gpt-4o-mini', false],
    ['gpt-5.2-chat-latest', false],
    ['llama3.3', false],
  ])('says %s is %s', (modelId, expected) => {
    expect(isReasoningModel(modelId)).toBe(expected);
  });
});
