import { createMemoryStore } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { describeStateStoreConformance, type StateStoreConformanceOptions } from './index.js';

describe('describeStateStoreConformance', () => {
  it.each<[string, unknown]>([
    ['no options', undefined],
    ['no integrity', {}],
    ['an empty guarantee', { integrity: { guarantee: ' ' } }],
    ['both a hook and a guarantee', { integrity: { corrupt: () => undefined, guarantee: 'x' } }],
  ])('refuses %s, naming the integrity option', (_, options) => {
    expect(() =>
      describeStateStoreConformance(
        'a store',
        () => createMemoryStore(),
        options as StateStoreConformanceOptions,
      ),
    ).toThrow(/options\.integrity/);
  });
});
