import { describe, expect, it } from 'vitest';
import { cloneValue } from './clone-value.js';

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
}

/** Values of every kind structuredClone treats in its own way. */
function samples(): Record<string, unknown> {
  const shared = { id: 1 };
  const cyclic: Record<string, unknown> = { name: 'loop' };
  cyclic.self = cyclic;
  const arrayCycle: unknown[] = [1];
  arrayCycle.push(arrayCycle, { back: arrayCycle });
  const withExtra = Object.assign([1, 2], { extra: 'kept' });
  const withoutPrototype = Object.assign(Object.create(null) as object, { a: 1 });
  const withUndefined = { a: undefined, b: [undefined] };
  // eslint-disable-next-line no-sparse-arrays
  const holey = [1, , 3];
  const protoKey = JSON.parse('{"__proto__": {"polluted": true}}') as unknown;
  return {
    plain: { count: 1, nested: { list: [1, 'two', true, null], empty: {} } },
    numbers: [Number.NaN, -0, Infinity, 10n],
    shared: { left: shared, right: shared },
    cyclic,
    arrayCycle,
    deepShared: { a: { b: shared, list: [shared] }, c: shared },
    withExtra,
    withoutPrototype,
    withUndefined,
    holey,
    protoKey,
    date: { at: new Date(0) },
    map: new Map([['a', 1]]),
    instance: { point: new Point(1, 2) },
  };
}

describe('cloneValue', () => {
  it('returns what structuredClone returns, for every kind of value', () => {
    for (const [name, value] of Object.entries(samples())) {
      expect(cloneValue(value), name).toStrictEqual(structuredClone(value));
    }
  });

  it('returns a copy that shares nothing with the value', () => {
    const value = { nested: { list: [{ sku: 'A' }] } };
    const copy = cloneValue(value);
    copy.nested.list[0]!.sku = 'changed';
    expect(value.nested.list[0]!.sku).toBe('A');
  });

  it('keeps shared and cyclic references as structuredClone does', () => {
    const { shared, cyclic } = samples() as {
      shared: { left: object; right: object };
      cyclic: { self: unknown };
    };
    const sharedCopy = cloneValue(shared);
    expect(sharedCopy.left).toBe(sharedCopy.right);
    expect(sharedCopy.left).not.toBe(shared.left);
    const cyclicCopy = cloneValue(cyclic);
    expect(cyclicCopy.self).toBe(cyclicCopy);
  });

  it('keeps holes and properties besides the indexes of arrays', () => {
    const { holey, withExtra } = samples() as { holey: unknown[]; withExtra: { extra: string } };
    expect(1 in cloneValue(holey)).toBe(false);
    expect(cloneValue(withExtra).extra).toBe('kept');
  });

  it('keeps a __proto__ key as data, never as a prototype', () => {
    const copy = cloneValue(JSON.parse('{"__proto__": {"polluted": true}}') as object);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
  });

  it('throws where structuredClone throws', () => {
    const value = { handler: () => 1 };
    expect(() => structuredClone(value)).toThrow();
    expect(() => cloneValue(value)).toThrow();
  });

  it('returns primitives and functions as they are', () => {
    const fn = () => 1;
    expect(cloneValue(fn)).toBe(fn);
    expect(cloneValue('text')).toBe('text');
    expect(cloneValue(undefined)).toBeUndefined();
  });
});
