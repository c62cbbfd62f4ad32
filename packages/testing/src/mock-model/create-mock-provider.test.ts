import { AgentryError } from '@agentry/core';
import { describe, expect, it, vi } from 'vitest';
import { createMockModel, createMockProvider } from './index.js';

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
    return undefined;
  } catch (error) {
    return AgentryError.isInstance(error) ? error.code : `not an AgentryError: ${String(error)}`;
  }
}

/** Builds key-like values at run time so no key-shaped literal sits in the source. */
const key = (prefix: string, length: number): string => prefix.padEnd(length, 'x');

describe('createMockProvider', () => {
  describe('properties', () => {
    it('speaks contract v1 and serves openai by default', () => {
      const provider = createMockProvider();
      expect(provider.specificationVersion).toBe('v1');
      expect(provider.type).toBe('openai');
      expect(createMockProvider({ type: 'google' }).type).toBe('google');
    });

    it('serves a third-party provider type, with models of that type', () => {
      const provider = createMockProvider({ type: 'acme' });
      expect(provider.type).toBe('acme');
      expect(provider.createModel('acme-large').provider).toBe('acme');
    });

    it('refuses both model and createModel, and malformed types', () => {
      const model = createMockModel();
      expect(codeOf(() => createMockProvider({ model, createModel: { a: model } }))).toBe(
        'validation_failed',
      );
      let caught: unknown;
      try {
        createMockProvider({ type: 'Acme Cloud' });
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({
        code: 'validation_failed',
        message: expect.stringContaining('type "Acme Cloud" is not a provider type') as string,
        details: { path: 'type', received: 'Acme Cloud' },
      });
    });
  });

  describe('validateApiKey', () => {
    it('accepts keys that start with mock- and have at least 12 characters', () => {
      const provider = createMockProvider();
      expect(provider.validateApiKey(key('mock-', 12))).toBeUndefined();
      expect(provider.validateApiKey(key('mock-', 40))).toBeUndefined();
    });

    it.each([
      ['a short key', key('mock-', 11)],
      ['a key with another prefix', key('sk-', 40)],
      ['an empty key', ''],
    ])('refuses %s without repeating it', (_name, apiKey) => {
      const problem = createMockProvider().validateApiKey(apiKey);
      expect(problem).toEqual(expect.any(String));
      if (apiKey !== '') expect(problem).not.toContain(apiKey);
    });

    it('uses the given check instead', () => {
      const validateApiKey = vi.fn((apiKey: string) => (apiKey === 'ok' ? undefined : 'Not ok.'));
      const provider = createMockProvider({ validateApiKey });
      expect(provider.validateApiKey('ok')).toBeUndefined();
      expect(provider.validateApiKey(key('mock-', 20))).toBe('Not ok.');
    });
  });

  describe('createModel', () => {
    it('returns the given model for every id', () => {
      const model = createMockModel({ modelId: 'gpt-4o' });
      const provider = createMockProvider({ model });
      expect(provider.createModel('gpt-4o')).toBe(model);
      expect(provider.createModel('gpt-4o-mini')).toBe(model);
    });

    it('looks ids up in a map and refuses ids it does not hold', () => {
      const fast = createMockModel({ modelId: 'fast' });
      const smart = createMockModel({ modelId: 'smart' });
      const provider = createMockProvider({ createModel: { fast, smart } });
      expect(provider.createModel('fast')).toBe(fast);
      expect(provider.createModel('smart')).toBe(smart);
      expect(codeOf(() => provider.createModel('other'))).toBe('unknown_model');
      expect(codeOf(() => provider.createModel('toString'))).toBe('unknown_model');
    });

    it('calls a createModel function with the id and settings', () => {
      const model = createMockModel();
      const createModel = vi.fn(() => model);
      const provider = createMockProvider({ createModel });
      const settings = { apiKey: key('mock-', 16) };
      expect(provider.createModel('gpt-4o', settings)).toBe(model);
      expect(createModel).toHaveBeenCalledWith('gpt-4o', settings);
    });

    it('otherwise creates one mock model per id, of the provider type', () => {
      const provider = createMockProvider({ type: 'anthropic' });
      const first = provider.createModel('claude-sonnet-4-5');
      expect(first.modelId).toBe('claude-sonnet-4-5');
      expect(first.provider).toBe('anthropic');
      expect(provider.createModel('claude-sonnet-4-5')).toBe(first);
      expect(provider.createModel('claude-haiku-4-5')).not.toBe(first);
    });
  });

  describe('models', () => {
    it('lists the given model, or the ids of a map, with their capabilities', () => {
      const model = createMockModel({ modelId: 'gpt-4o', capabilities: { maxTokens: 100 } });
      expect(createMockProvider({ model }).models()).toEqual([
        { name: 'gpt-4o', capabilities: model.capabilities },
      ]);
      expect(
        createMockProvider({ createModel: { alias: model } })
          .models()
          .map((info) => info.name),
      ).toEqual(['alias']);
      expect(createMockProvider().models()).toEqual([]);
    });

    it('lists the given catalogue', () => {
      const models = [
        { name: 'x', capabilities: createMockModel().capabilities, deprecated: true },
      ];
      expect(createMockProvider({ models }).models()).toEqual(models);
    });
  });
});
