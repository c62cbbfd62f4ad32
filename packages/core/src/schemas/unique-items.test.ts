import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { uniqueItemsSchema } from '../index.js';

describe('uniqueItemsSchema', () => {
  it('reports every repeat at its own index and accepts distinct items', () => {
    const schema = uniqueItemsSchema(z.string(), 'scopes');
    expect(schema.parse(['a', 'b'])).toEqual(['a', 'b']);
    const issues = schema.safeParse(['a', 'b', 'a', 'b']).error?.issues ?? [];
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      [[2], 'scopes lists "a" more than once.'],
      [[3], 'scopes lists "b" more than once.'],
    ]);
  });
});
