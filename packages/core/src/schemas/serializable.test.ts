import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { agentInstance, agentState, jsonRecord } from '../../test/arbitraries.js';
import {
  AgentryError,
  agentInstanceSchema,
  agentStateSchema,
  assertSerializable,
  findSerializationProblem,
  formatPath,
} from '../index.js';

class Point {
  constructor(readonly x: number) {}
}

describe('findSerializationProblem', () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  const sparse: unknown[] = [1];
  sparse[2] = 3;

  it.each([
    ['a function', { f: () => 1 }, ['f'], /function/],
    ['a symbol', { s: Symbol('x') }, ['s'], /symbol/],
    ['a bigint', { b: 10n }, ['b'], /bigint/],
    ['NaN', { n: Number.NaN }, ['n'], /finite/],
    ['Infinity', { list: [Infinity] }, ['list', 0], /finite/],
    ['-0', { z: -0 }, ['z'], /-0/],
    ['a cycle', cyclic, ['self'], /cycle/],
    ['a Date', { when: new Date(0) }, ['when'], /Date/],
    ['a Map', { m: new Map() }, ['m'], /Map/],
    ['a Set', { s: new Set([1]) }, ['s'], /Set/],
    ['a class instance', { p: new Point(1) }, ['p'], /Point/],
    ['undefined in an array', { list: [1, undefined] }, ['list', 1], /undefined/],
    ['a hole in an array', { list: sparse }, ['list', 1], /sparse/],
    [
      'a __proto__ key',
      JSON.parse('{"__proto__": {"x": 1}}') as unknown,
      ['__proto__'],
      /__proto__/,
    ],
  ])('rejects %s with its path', (_name, value, path, reason) => {
    const problem = findSerializationProblem(value);
    expect(problem?.path).toEqual(path);
    expect(problem?.reason).toMatch(reason);
  });

  it('accepts the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(
      findSerializationProblem({ a: shared, b: shared, list: [shared, shared] }),
    ).toBeUndefined();
  });

  it('accepts every JSON value (property)', () => {
    fc.assert(fc.property(jsonRecord, (value) => findSerializationProblem(value) === undefined));
  });

  it('finds a problem exactly when a JSON round trip changes the value (property)', () => {
    const anything = fc.anything({
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withSparseArray: true,
      withBoxedValues: true,
    });
    fc.assert(
      fc.property(anything, (value) => {
        const problem = findSerializationProblem(value);
        if (problem === undefined)
          expect(JSON.parse(JSON.stringify(value) ?? 'null')).toEqual(value);
      }),
    );
  });
});

describe('assertSerializable', () => {
  it('throws not_serializable naming the path', () => {
    try {
      assertSerializable({ memory: { notes: [1, () => 2] } }, 'agent state');
      expect.unreachable();
    } catch (error) {
      expect(AgentryError.isInstance(error) && error.code).toBe('not_serializable');
      expect((error as AgentryError).message).toContain('memory.notes[1]');
    }
  });
});

describe('formatPath', () => {
  it('writes keys, indexes and odd keys readably', () => {
    expect(formatPath(['a', 0, 'b c', 'd'])).toBe('a[0]["b c"].d');
    expect(formatPath([])).toBe('(root)');
  });
});

describe('agentStateSchema', () => {
  it('rejects memory that does not round-trip, naming the path', () => {
    const result = agentStateSchema.safeParse({
      messages: [],
      memory: { cache: new Map() },
      status: 'idle',
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['memory', 'cache']);
  });

  it('round-trips any valid state through JSON with dates restored (property)', () => {
    fc.assert(
      fc.property(agentState, (state) => {
        const json = JSON.stringify(z.encode(agentStateSchema, state));
        const restored = z.decode(agentStateSchema, JSON.parse(json));
        expect(restored).toEqual(state);
        for (const [index, message] of restored.messages.entries()) {
          expect(message.timestamp).toBeInstanceOf(Date);
          expect(message.timestamp.getTime()).toBe(state.messages[index]?.timestamp.getTime());
        }
      }),
    );
  });
});

describe('agentInstanceSchema', () => {
  it('round-trips any valid agent through JSON (property)', () => {
    fc.assert(
      fc.property(agentInstance, (agent) => {
        const restored = agentInstanceSchema.parse(
          JSON.parse(JSON.stringify(z.encode(agentInstanceSchema, agent))),
        );
        expect(restored).toEqual(agent);
      }),
    );
  });

  it('refuses a non-UUID id and lastActivity before createdAt', () => {
    const agent = fc.sample(agentInstance, { numRuns: 1, seed: 7 })[0]!;
    const bad = { ...agent, id: 'agent-1', lastActivity: new Date(agent.createdAt.getTime() - 1) };
    const result = z.safeEncode(agentInstanceSchema, bad);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain('id');
    const dates = z.safeEncode(agentInstanceSchema, {
      ...agent,
      lastActivity: new Date(agent.createdAt.getTime() - 1),
    });
    expect(dates.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['lastActivity']);
  });

  it('refuses a persisted date that is not ISO 8601', () => {
    const agent = fc.sample(agentInstance, { numRuns: 1, seed: 3 })[0]!;
    const json = {
      ...(z.encode(agentInstanceSchema, agent) as Record<string, unknown>),
      createdAt: 'yesterday',
    };
    expect(agentInstanceSchema.safeParse(json).error?.issues[0]?.path).toEqual(['createdAt']);
  });
});
