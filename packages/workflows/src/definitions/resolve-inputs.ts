import { AgentryError, formatPath } from '@agentry/core';
import {
  isLiteralValue,
  isValueReference,
  parseReferencePath,
  type ValueReference,
} from './value-reference.js';

/** What references are resolved against. */
export interface ReferenceScope {
  /** The workflow input; `input.…` references read it. */
  input: unknown;
  /** The outputs of steps that have finished, by step id; `steps.<id>.output…` references read them. */
  outputs: Readonly<Record<string, unknown>>;
}

const missing: unique symbol = Symbol('missing');

/**
 * Reads the value a {@link ValueReference} points at. Only own properties are read (never
 * `__proto__`, `constructor` or anything inherited), and a digit segment indexes an array.
 *
 * @param at - where the reference sits, for the error message (such as `inputs.customerId`)
 * @returns the value, or the reference's `default` when the path does not resolve
 * @throws AgentryError `validation_failed` when the path is malformed, `not_found` when it does not
 *   resolve and the reference has no default; `details` holds `reference`, `at` and `missing`
 * @example
 * ```ts
 * resolveReference({ $ref: 'input.customer.id' }, { input: { customer: { id: 'c-1' } }, outputs: {} }); // 'c-1'
 * ```
 */
export function resolveReference(
  reference: ValueReference,
  scope: ReferenceScope,
  at = '(root)',
): unknown {
  const parsed = parseReferencePath(reference.$ref);
  if (typeof parsed === 'string') {
    throw new AgentryError({
      code: 'validation_failed',
      message: `${parsed} (at ${at})`,
      details: { reference: reference.$ref, at },
      suggestions: ['Write references as "input.<key>…" or "steps.<id>.output.<key>…".'],
    });
  }
  let current: unknown;
  let walked: string;
  if (parsed.root === 'input') {
    current = scope.input;
    walked = 'input';
  } else {
    walked = `steps.${parsed.stepId}.output`;
    if (!Object.hasOwn(scope.outputs, parsed.stepId)) {
      return fallback(reference, at, walked, `step "${parsed.stepId}" has no output yet`, [
        `Make sure step "${parsed.stepId}" runs before the step that reads it.`,
      ]);
    }
    current = scope.outputs[parsed.stepId];
  }
  for (const key of parsed.keys) {
    const next = readOwn(current, key);
    if (next === missing) {
      return fallback(reference, at, `${walked}.${key}`, `${walked} has no "${key}"`, [
        `Check the key "${key}" against what ${walked} holds, or give the reference a "default".`,
      ]);
    }
    current = next;
    walked = `${walked}.${key}`;
  }
  return current === undefined
    ? fallback(reference, at, walked, `${walked} is undefined`, [])
    : current;
}

function fallback(
  reference: ValueReference,
  at: string,
  missingPath: string,
  reason: string,
  suggestions: string[],
): unknown {
  if (Object.hasOwn(reference, 'default')) return reference.default;
  throw new AgentryError({
    code: 'not_found',
    message: `The reference "${reference.$ref}" at ${at} does not resolve: ${reason}.`,
    details: { reference: reference.$ref, at, missing: missingPath },
    suggestions: [...suggestions, 'Add a "default" to the reference if the value is optional.'],
  });
}

function readOwn(container: unknown, key: string): unknown {
  if (Array.isArray(container)) {
    if (!/^(0|[1-9]\d*)$/.test(key)) return missing;
    const index = Number(key);
    return index < container.length ? (container[index] as unknown) : missing;
  }
  if (typeof container === 'object' && container !== null && Object.hasOwn(container, key)) {
    return (container as Record<string, unknown>)[key];
  }
  return missing;
}

/**
 * Replaces every {@link ValueReference} in a step's `inputs` with the value it points at, and
 * unwraps every `{ "$literal": … }`. The result is a fresh copy; nothing in `scope` is shared.
 *
 * @param inputs - a step's `inputs`
 * @param scope - the workflow input and the outputs of finished steps
 * @returns the resolved copy
 * @throws AgentryError `not_found` naming the reference and where it sits when one does not
 *   resolve; `validation_failed` when a reference path is malformed
 * @example
 * ```ts
 * resolveInputs(
 *   { customerId: { $ref: 'input.customer.id' }, total: { $ref: 'steps.fetch.output.total' } },
 *   { input: { customer: { id: 'c-1' } }, outputs: { fetch: { total: 120 } } },
 * ); // { customerId: 'c-1', total: 120 }
 * ```
 */
export function resolveInputs(
  inputs: Readonly<Record<string, unknown>>,
  scope: ReferenceScope,
): Record<string, unknown> {
  return resolveValue(inputs, scope, ['inputs']) as Record<string, unknown>;
}

function resolveValue(value: unknown, scope: ReferenceScope, path: (string | number)[]): unknown {
  if (isValueReference(value)) return copy(resolveReference(value, scope, formatPath(path)));
  if (isLiteralValue(value)) return copy(value.$literal);
  if (Array.isArray(value))
    return value.map((item, index) => resolveValue(item, scope, [...path, index]));
  if (typeof value === 'object' && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      result[key] = resolveValue(child, scope, [...path, key]);
    }
    return result;
  }
  return value;
}

function copy(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? structuredClone(value) : value;
}
