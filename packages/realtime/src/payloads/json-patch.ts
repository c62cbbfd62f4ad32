import { AgentryError } from '@agentry/core';
import type { AgUiJsonPatchOperation } from './ag-ui-parts.js';

type Container = Record<string, unknown> | unknown[];

const isContainer = (value: unknown): value is Container =>
  typeof value === 'object' && value !== null;

const failure = (index: number, operation: AgUiJsonPatchOperation, reason: string) =>
  new AgentryError({
    code: 'validation_failed',
    message: `JSON Patch operation ${index} (${operation.op} ${operation.path}) does not apply: ${reason}.`,
    details: { path: operation.path, operation: index },
    suggestions: [
      'Send a STATE_SNAPSHOT before deltas that assume a state the consumer does not have.',
      'Check the pointer: RFC 6901 writes "~" as "~0" and "/" as "~1".',
    ],
  });

/** RFC 6901 pointer → reference tokens; `undefined` when the text is not a pointer. */
function tokensOf(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/') || /~[^01]|~$/.test(pointer)) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

const indexOf = (array: unknown[], token: string, allowEnd: boolean): number | undefined => {
  if (allowEnd && token === '-') return array.length;
  if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
  const index = Number(token);
  return index <= array.length - (allowEnd ? 0 : 1) ? index : undefined;
};

const own = (container: Record<string, unknown>, key: string) =>
  Object.prototype.hasOwnProperty.call(container, key);

function read(document: unknown, tokens: readonly string[]): { found: boolean; value: unknown } {
  let current = document;
  for (const token of tokens) {
    if (Array.isArray(current)) {
      const index = indexOf(current, token, false);
      if (index === undefined) return { found: false, value: undefined };
      current = current[index];
    } else if (isContainer(current) && own(current as Record<string, unknown>, token)) {
      current = (current as Record<string, unknown>)[token];
    } else return { found: false, value: undefined };
  }
  return { found: true, value: current };
}

const equal = (left: unknown, right: unknown): boolean => {
  if (left === right) return true;
  if (!isContainer(left) || !isContainer(right)) return false;
  if (Array.isArray(left) !== Array.isArray(right)) return false;
  const leftKeys = Object.keys(left);
  const rightKeys = Object.keys(right);
  if (leftKeys.length !== rightKeys.length) return false;
  return leftKeys.every(
    (key) =>
      own(right as Record<string, unknown>, key) &&
      equal((left as Record<string, unknown>)[key], (right as Record<string, unknown>)[key]),
  );
};

/**
 * Applies an RFC 6902 JSON Patch to a copy of `document` and returns the copy; `document` is never
 * changed, so a patch that fails half-way leaves nothing half-applied.
 *
 * @throws AgentryError `validation_failed` naming the operation when a pointer is malformed or
 *   does not resolve, or a `test` fails
 *
 * @internal
 */
export function applyJsonPatch(
  document: unknown,
  operations: readonly AgUiJsonPatchOperation[],
): unknown {
  let result: unknown = document === undefined ? undefined : structuredClone(document);
  operations.forEach((operation, index) => {
    const path = tokensOf(operation.path);
    if (path === undefined) throw failure(index, operation, 'the path is not a JSON Pointer');
    const add = (tokens: string[], value: unknown) => {
      if (tokens.length === 0) {
        result = value;
        return;
      }
      const parent = read(result, tokens.slice(0, -1));
      const last = tokens.at(-1) as string;
      if (!parent.found || !isContainer(parent.value)) {
        throw failure(index, operation, 'the parent of the path does not exist');
      }
      if (Array.isArray(parent.value)) {
        const at = indexOf(parent.value, last, true);
        if (at === undefined)
          throw failure(index, operation, `"${last}" is not an index of the array`);
        parent.value.splice(at, 0, value);
      } else parent.value[last] = value;
    };
    const remove = (tokens: string[]): unknown => {
      const target = read(result, tokens);
      if (!target.found) throw failure(index, operation, 'nothing is at the path');
      if (tokens.length === 0)
        throw failure(index, operation, 'the whole document cannot be removed');
      const parent = read(result, tokens.slice(0, -1)).value as Container;
      const last = tokens.at(-1) as string;
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
      return target.value;
    };
    const from = (): string[] => {
      const tokens = 'from' in operation ? tokensOf(operation.from) : undefined;
      if (tokens === undefined) throw failure(index, operation, '"from" is not a JSON Pointer');
      return tokens;
    };
    switch (operation.op) {
      case 'add':
        add(path, structuredClone(operation.value));
        return;
      case 'remove':
        remove(path);
        return;
      case 'replace':
        if (path.length > 0) remove(path);
        add(path, structuredClone(operation.value));
        return;
      case 'move':
        add(path, remove(from()));
        return;
      case 'copy': {
        const source = read(result, from());
        if (!source.found) throw failure(index, operation, 'nothing is at "from"');
        add(path, structuredClone(source.value));
        return;
      }
      case 'test': {
        const target = read(result, path);
        if (!target.found || !equal(target.value, operation.value)) {
          throw failure(index, operation, 'the value at the path differs');
        }
        return;
      }
    }
  });
  return result;
}
