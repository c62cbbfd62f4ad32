import type { JsonSchema } from '@agentry/core';

const listKeys = ['anyOf', 'prefixItems'] as const;
const mapKeys = ['properties', '$defs', 'definitions'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether OpenAI's strict mode (Structured Outputs) accepts a JSON Schema as it is: every object
 * lists all its properties in `required` and sets `additionalProperties: false`, and no keyword
 * strict mode refuses (`oneOf`, `allOf`, `not`, `patternProperties`, …) appears. Strict mode makes
 * the model's output always match the schema, so it is used whenever the schema allows it; other
 * schemas are sent without it rather than refused by OpenAI.
 *
 * @internal
 */
export function isStrictJsonSchema(schema: JsonSchema): boolean {
  return check(schema, 0);
}

function check(schema: unknown, depth: number): boolean {
  if (typeof schema === 'boolean') return depth > 0;
  if (!isRecord(schema) || depth > 32) return false;
  for (const refused of ['oneOf', 'allOf', 'not', 'patternProperties', 'if', 'dependentSchemas']) {
    if (refused in schema) return false;
  }
  const isObject =
    schema.type === 'object' || (Array.isArray(schema.type) && schema.type.includes('object'));
  if (isObject || isRecord(schema.properties)) {
    const properties = isRecord(schema.properties) ? Object.keys(schema.properties) : [];
    const required = Array.isArray(schema.required) ? schema.required : [];
    if (schema.additionalProperties !== false) return false;
    if (!properties.every((name) => required.includes(name))) return false;
  }
  if ('items' in schema && !check(schema.items, depth + 1)) return false;
  for (const key of listKeys) {
    const list = schema[key];
    if (Array.isArray(list) && !list.every((item) => check(item, depth + 1))) return false;
  }
  for (const key of mapKeys) {
    const map = schema[key];
    if (isRecord(map) && !Object.values(map).every((item) => check(item, depth + 1))) return false;
  }
  return true;
}
