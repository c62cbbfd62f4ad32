import { modelInfoSchema } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GOOGLE_CAPABILITIES, findGoogleModel, googleModels } from './models.js';

describe('googleModels', () => {
  it('lists valid model infos with unique names and USD prices', () => {
    for (const info of googleModels) {
      expect(modelInfoSchema.safeParse(info).success, info.name).toBe(true);
      expect(info.pricing?.currency).toBe('USD');
    }
    const names = googleModels.map((info) => info.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('prices cached input below plain input', () => {
    for (const info of googleModels) {
      expect(info.pricing?.cachedInputPerMillionTokens).toBeLessThan(
        info.pricing?.inputPerMillionTokens ?? 0,
      );
    }
  });

  it('marks the Gemini 2.5 models, whose shutdown is announced, as deprecated', () => {
    const deprecated = googleModels
      .filter((info) => info.deprecated === true)
      .map((info) => info.name);
    expect(deprecated).toEqual(['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite']);
  });

  it('has default capabilities that pass the schema', () => {
    expect(
      modelInfoSchema.safeParse({ name: 'x', capabilities: DEFAULT_GOOGLE_CAPABILITIES }).success,
    ).toBe(true);
  });
});

describe('findGoogleModel', () => {
  it('finds a model by id or by its models/ resource name', () => {
    expect(findGoogleModel(googleModels, 'gemini-3.5-flash')?.name).toBe('gemini-3.5-flash');
    expect(findGoogleModel(googleModels, 'models/gemini-3.5-flash')?.name).toBe('gemini-3.5-flash');
    expect(findGoogleModel(googleModels, 'gemini-0')).toBeUndefined();
  });
});
