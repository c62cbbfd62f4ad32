import { AgentryError } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { resolveInputs, resolveReference } from './resolve-inputs.js';
import { parseReferencePath } from './value-reference.js';

const scope = {
  input: { customer: { id: 'c-1', tags: ['vip', 'eu'] }, empty: null },
  outputs: { fetch: { total: 120, lines: [{ sku: 'A' }, { sku: 'B' }] } },
};

function thrown(run: () => unknown): AgentryError {
  try {
    run();
  } catch (error) {
    if (AgentryError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an AgentryError');
}

describe('resolveInputs', () => {
  it('replaces input and step references, deep inside objects and arrays', () => {
    expect(
      resolveInputs(
        {
          customerId: { $ref: 'input.customer.id' },
          firstTag: { $ref: 'input.customer.tags.0' },
          nested: {
            skus: [{ $ref: 'steps.fetch.output.lines.1.sku' }],
            total: { $ref: 'steps.fetch.output.total' },
          },
          constant: 'process.exit()',
        },
        scope,
      ),
    ).toEqual({
      customerId: 'c-1',
      firstTag: 'vip',
      nested: { skus: ['B'], total: 120 },
      constant: 'process.exit()',
    });
  });

  it('passes $literal content through without resolving it', () => {
    expect(resolveInputs({ raw: { $literal: { $ref: 'input.customer.id' } } }, scope)).toEqual({
      raw: { $ref: 'input.customer.id' },
    });
  });

  it('returns copies, so changing the result leaves the outputs alone', () => {
    const result = resolveInputs({ lines: { $ref: 'steps.fetch.output.lines' } }, scope);
    (result.lines as { sku: string }[])[0]!.sku = 'changed';
    expect(scope.outputs.fetch.lines[0]!.sku).toBe('A');
  });

  it('fails with not_found naming the reference, where it sits and what is missing', () => {
    const error = thrown(() =>
      resolveInputs({ deep: { id: { $ref: 'input.customer.email' } } }, scope),
    );
    expect(error.code).toBe('not_found');
    expect(error.message).toContain('"input.customer.email"');
    expect(error.message).toContain('inputs.deep.id');
    expect(error.details).toMatchObject({
      reference: 'input.customer.email',
      at: 'inputs.deep.id',
      missing: 'input.customer.email',
    });
  });

  it('names where a failing reference sits inside arrays, and how far its path resolved', () => {
    const error = thrown(() =>
      resolveInputs({ items: [{ ok: 1 }, { tag: { $ref: 'input.customer.tags.5.name' } }] }, scope),
    );
    expect(error.details).toMatchObject({
      at: 'inputs.items[1].tag',
      missing: 'input.customer.tags.5',
    });
    expect(error.message).toContain('input.customer.tags has no "5"');
    const undefinedError = thrown(() =>
      resolveInputs(
        { x: { $ref: 'steps.odd.output.value' } },
        { input: {}, outputs: { odd: { value: undefined } } },
      ),
    );
    expect(undefinedError.message).toContain('steps.odd.output.value is undefined');
    expect(undefinedError.details).toMatchObject({
      at: 'inputs.x',
      missing: 'steps.odd.output.value',
    });
  });

  it('fails when the step has no output yet', () => {
    const error = thrown(() => resolveInputs({ x: { $ref: 'steps.ship.output.id' } }, scope));
    expect(error.code).toBe('not_found');
    expect(error.message).toContain('step "ship" has no output yet');
  });

  it('uses the default when the path does not resolve', () => {
    expect(
      resolveInputs({ email: { $ref: 'input.customer.email', default: null } }, scope),
    ).toEqual({ email: null });
  });

  it('never reads inherited properties', () => {
    for (const path of [
      'input.customer.constructor',
      'input.__proto__',
      'input.customer.tags.length',
      'input.customer.toString',
    ]) {
      expect(thrown(() => resolveReference({ $ref: path }, scope)).code).toBe('not_found');
    }
  });

  it('refuses a malformed path with validation_failed', () => {
    const error = thrown(() => resolveInputs({ x: { $ref: 'env.HOME' } }, scope));
    expect(error.code).toBe('validation_failed');
    expect(error.message).toContain('"env"');
  });
});

describe('parseReferencePath', () => {
  it('splits input and step paths', () => {
    expect(parseReferencePath('input')).toEqual({ root: 'input', keys: [] });
    expect(parseReferencePath('steps.fetch.output.total')).toEqual({
      root: 'step',
      stepId: 'fetch',
      keys: ['total'],
    });
  });

  it.each(['steps.fetch', 'steps.fetch.result', 'input..x', 'context.x', 'steps.a.b.output'])(
    'explains what is wrong with %s',
    (path) => {
      expect(typeof parseReferencePath(path)).toBe('string');
    },
  );
});
