import { z } from 'zod';
import { STEP_ID_PATTERN } from './identifiers.js';
import type { JsonValue } from './json-value.js';

/**
 * A reference to data a step receives: `{ "$ref": "input.customer.id" }` reads the workflow input,
 * `{ "$ref": "steps.fetch.output.total" }` reads the output of an earlier step. Path segments are
 * separated by dots; a segment of digits indexes an array (`input.items.0.sku`). When `default` is
 * present it is used if the path does not resolve; otherwise resolution fails.
 *
 * To pass an object that itself has a `$ref` key as data, wrap it: `{ "$literal": { … } }`.
 *
 * @example
 * ```ts
 * import { output, ref, type ValueReference } from '@agentry/workflows';
 *
 * const total: ValueReference = { $ref: 'steps.fetch.output.total', default: 0 };
 * ```
 */
export interface ValueReference {
  /** The dotted path: `input[.…]` or `steps.<id>.output[.…]`. */
  $ref: string;
  /** The value used when the path does not resolve. */
  default?: JsonValue;
}

/**
 * The schema of a {@link ValueReference}; it checks the shape, not the path
 * (see {@link parseReferencePath}).
 *
 * @example
 * ```ts
 * valueReferenceSchema.parse({ $ref: 'input.orderId' });
 * ```
 */
export const valueReferenceSchema = z.strictObject({
  $ref: z.string().min(1),
  default: z.unknown().optional(),
}) as unknown as z.ZodType<ValueReference>;

/**
 * A reference path, split into where it starts and the keys that follow.
 *
 * @example
 * ```ts
 * import { parseReferencePath, type ParsedReferencePath } from '@agentry/workflows';
 *
 * // A string is the reason the path is malformed.
 * const parsed: ParsedReferencePath | string = parseReferencePath('steps.fetch.output.items.0.sku');
 * if (typeof parsed !== 'string' && parsed.root === 'step') console.log(parsed.stepId, parsed.keys); // fetch ['items', '0', 'sku']
 * ```
 */
export type ParsedReferencePath =
  | {
      /** Reads the workflow input. */
      root: 'input';
      /** Keys inside the input. */
      keys: string[];
    }
  | {
      /** Reads a step's output. */
      root: 'step';
      /** The step whose output is read. */
      stepId: string;
      /** Keys inside that output. */
      keys: string[];
    };

/**
 * Tells whether a value is a {@link ValueReference}: an object whose keys are `$ref` (a string)
 * and optionally `default`.
 *
 * @example
 * ```ts
 * isValueReference({ $ref: 'input.id' }); // true
 * isValueReference({ $ref: 'input.id', other: 1 }); // false: plain data
 * ```
 */
export function isValueReference(value: unknown): value is ValueReference {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  if (typeof record.$ref !== 'string') return false;
  // The own enumerable keys Object.keys would list, without the array: this runs on every object
  // of every step's inputs on every run.
  for (const key in record) {
    if (key !== '$ref' && key !== 'default' && Object.hasOwn(record, key)) return false;
  }
  return true;
}

/**
 * A literal wrapper: its content is data, never resolved.
 *
 * @example
 * ```ts
 * import { resolveInputs, type LiteralValue } from '@agentry/workflows';
 *
 * // Data that looks like a reference is passed as it is when wrapped in $literal.
 * const template: LiteralValue = { $literal: { $ref: 'input.orderId' } };
 * resolveInputs({ template }, { input: {}, outputs: {} }); // { template: { $ref: 'input.orderId' } }
 * ```
 */
export interface LiteralValue {
  /** The value passed on as it is. */
  $literal: JsonValue;
}

/**
 * Tells whether a value is a literal wrapper, `{ "$literal": value }`, whose content is passed
 * on as data without looking for references inside.
 *
 * @example
 * ```ts
 * isLiteralValue({ $literal: { $ref: 'not a reference' } }); // true
 * ```
 */
export function isLiteralValue(value: unknown): value is LiteralValue {
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    !Object.hasOwn(value, '$literal')
  )
    return false;
  // Counted only for an object that has the key: the count allocates.
  return Object.keys(value).length === 1;
}

/**
 * Splits a reference path into its root and keys, or explains why it is malformed.
 *
 * @returns the parsed path, or a string saying what is wrong
 * @example
 * ```ts
 * parseReferencePath('steps.fetch.output.total'); // { root: 'step', stepId: 'fetch', keys: ['total'] }
 * parseReferencePath('env.HOME'); // 'A reference must start with "input" or "steps.<id>.output" …'
 * ```
 */
export function parseReferencePath(path: string): ParsedReferencePath | string {
  const segments = path.split('.');
  if (segments.some((segment) => segment === ''))
    return `The reference "${path}" has an empty segment; separate keys with single dots.`;
  const [root, ...rest] = segments;
  if (root === 'input') return { root: 'input', keys: rest };
  if (root === 'steps') {
    const [stepId, output, ...keys] = rest;
    if (stepId === undefined || !STEP_ID_PATTERN.test(stepId))
      return `The reference "${path}" must name a step: "steps.<id>.output".`;
    if (output !== 'output')
      return `The reference "${path}" must read the step's output: "steps.${stepId}.output…".`;
    return { root: 'step', stepId, keys };
  }
  return `A reference must start with "input" or "steps.<id>.output", not "${root ?? ''}" (in "${path}").`;
}

/**
 * Walks a value and calls `visit` for every {@link ValueReference} in it, with the keys leading
 * to it. Content inside `{ "$literal": … }` is skipped.
 *
 * @example
 * ```ts
 * forEachReference({ a: { $ref: 'input.x' } }, (reference, path) => console.log(path)); // ['a']
 * ```
 */
export function forEachReference(
  value: unknown,
  visit: (reference: ValueReference, path: (string | number)[]) => void,
  path: (string | number)[] = [],
): void {
  if (isValueReference(value)) {
    visit(value, path);
    return;
  }
  if (isLiteralValue(value)) return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => forEachReference(item, visit, [...path, index]));
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value))
      forEachReference(child, visit, [...path, key]);
  }
}
