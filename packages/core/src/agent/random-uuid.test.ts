import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { randomUuid } from './random-uuid.js';

const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('randomUuid', () => {
  it('makes version 4 UUIDs of the RFC 9562 variant, lower-case', () => {
    for (let index = 0; index < 1000; index += 1) {
      const id = randomUuid();
      expect(id).toMatch(v4);
      expect(z.uuid().safeParse(id).success).toBe(true);
    }
  });

  it('never repeats, across many refills of its pool of random bytes', () => {
    const ids = new Set<string>();
    for (let index = 0; index < 20_000; index += 1) ids.add(randomUuid());
    expect(ids.size).toBe(20_000);
  });

  it('uses every hex digit in the random positions', () => {
    const seen = new Set<string>();
    for (let index = 0; index < 200; index += 1)
      for (const char of randomUuid().slice(0, 8)) seen.add(char);
    expect([...seen].sort().join('')).toBe('0123456789abcdef');
  });
});
