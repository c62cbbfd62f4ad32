import { describe, expect, it } from 'vitest';
import type { AgUiJsonPatchOperation } from './ag-ui-parts.js';
import { applyJsonPatch } from './json-patch.js';

describe('applyJsonPatch', () => {
  it.each<[string, unknown, AgUiJsonPatchOperation[], unknown]>([
    ['adds to an object', { a: 1 }, [{ op: 'add', path: '/b', value: 2 }], { a: 1, b: 2 }],
    ['adds over an object member', { a: 1 }, [{ op: 'add', path: '/a', value: 3 }], { a: 3 }],
    [
      'inserts into an array',
      { l: [1, 3] },
      [{ op: 'add', path: '/l/1', value: 2 }],
      { l: [1, 2, 3] },
    ],
    ['appends with -', { l: [1] }, [{ op: 'add', path: '/l/-', value: 2 }], { l: [1, 2] }],
    ['removes from an array', { l: [1, 2, 3] }, [{ op: 'remove', path: '/l/1' }], { l: [1, 3] }],
    ['replaces the whole document', { a: 1 }, [{ op: 'replace', path: '', value: [1] }], [1]],
    [
      'copies',
      { a: { x: 1 } },
      [{ op: 'copy', from: '/a', path: '/b' }],
      { a: { x: 1 }, b: { x: 1 } },
    ],
    ['moves', { a: 1 }, [{ op: 'move', from: '/a', path: '/b' }], { b: 1 }],
    [
      'reads escaped tokens',
      { 'a/b': { '~': 1 } },
      [{ op: 'replace', path: '/a~1b/~0', value: 2 }],
      { 'a/b': { '~': 2 } },
    ],
    [
      'passes a test of equal values',
      { a: [1, { b: 2 }] },
      [{ op: 'test', path: '/a', value: [1, { b: 2 }] }],
      { a: [1, { b: 2 }] },
    ],
  ])('%s', (_name, document, patch, expected) => {
    const before = structuredClone(document);
    expect(applyJsonPatch(document, patch)).toEqual(expected);
    expect(document).toEqual(before);
  });

  it.each<[string, unknown, AgUiJsonPatchOperation[]]>([
    ['a path that is not a pointer', {}, [{ op: 'add', path: 'a', value: 1 }]],
    ['a bad escape', {}, [{ op: 'add', path: '/a~2', value: 1 }]],
    ['a missing parent', {}, [{ op: 'add', path: '/a/b', value: 1 }]],
    ['removing what is not there', { a: 1 }, [{ op: 'remove', path: '/b' }]],
    ['replacing what is not there', { a: 1 }, [{ op: 'replace', path: '/b', value: 1 }]],
    ['an index past the end', { l: [] }, [{ op: 'add', path: '/l/1', value: 1 }]],
    ['a failed test', { a: 1 }, [{ op: 'test', path: '/a', value: 2 }]],
  ])('refuses %s with validation_failed', (_name, document, patch) => {
    expect(() => applyJsonPatch(document, patch)).toThrow(
      expect.objectContaining({
        code: 'validation_failed',
        details: expect.objectContaining({ operation: 0 }),
      }),
    );
  });
});
