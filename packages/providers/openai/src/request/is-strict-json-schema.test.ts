import { describe, expect, it } from 'vitest';
import { isStrictJsonSchema } from './is-strict-json-schema.js';

const strictObject = (properties: Record<string, unknown>) => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
});

describe('isStrictJsonSchema', () => {
  it('accepts objects that require every property and allow no others, however deep', () => {
    expect(
      isStrictJsonSchema(
        strictObject({
          name: { type: 'string' },
          tags: { type: 'array', items: strictObject({ label: { type: ['string', 'null'] } }) },
          choice: { anyOf: [strictObject({ a: { type: 'number' } }), { type: 'null' }] },
        }),
      ),
    ).toBe(true);
  });

  it.each([
    ['an optional property', { ...strictObject({ a: { type: 'string' } }), required: [] }],
    [
      'extra properties allowed',
      { ...strictObject({ a: { type: 'string' } }), additionalProperties: true },
    ],
    [
      'a loose nested object',
      strictObject({ inner: { type: 'object', properties: { b: { type: 'string' } } } }),
    ],
    ['oneOf', strictObject({ a: { oneOf: [{ type: 'string' }, { type: 'number' }] } })],
    [
      'a loose object in $defs',
      { ...strictObject({}), $defs: { item: { type: 'object', properties: {} } } },
    ],
  ])('refuses a schema with %s', (_name, schema) => {
    expect(isStrictJsonSchema(schema)).toBe(false);
  });
});
