import { describe, expect, it } from 'vitest';
import { diffDocuments } from './diff-documents.js';

describe('diffDocuments', () => {
  it('does describe changed, added and removed values by path', () => {
    expect(
      diffDocuments(
        { schemaVersion: '1', models: { defaultModel: 'a', fallback: 'c' }, tools: ['x'] },
        { schemaVersion: '1', models: { defaultModel: 'b' }, tools: ['x'], sampling: { topP: 1 } },
      ),
    ).toEqual(['~ models.defaultModel: "a" -> "b"', '- models.fallback', '+ sampling.topP: 1']);
  });

  it('does quote keys that are not identifiers and compare arrays whole', () => {
    expect(
      diffDocuments({ 'a.b': 1, list: [1, 2] }, { 'a.b': 2, list: [1, 3], 'new key': {} }),
    ).toEqual(['~ ["a.b"]: 1 -> 2', '~ list: [1,2] -> [1,3]', '+ ["new key"]: {}']);
  });

  it('does report a change of kind as one line and nothing for equal documents', () => {
    expect(diffDocuments({ a: { b: 1 } }, { a: 'flat' })).toEqual(['~ a: {"b":1} -> "flat"']);
    expect(diffDocuments({ a: [{ b: null }] }, { a: [{ b: null }] })).toEqual([]);
  });
});
