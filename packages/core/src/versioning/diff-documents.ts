import { isDeepEqual } from './is-deep-equal.js';
import { isPlainObject } from './versioned-document.js';

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Describes how one JSON document differs from another, one line per change: `~ path: old -> new`
 * for a changed value, `+ path: value` for an added one (objects are expanded to their leaves) and
 * `- path` for a removed one. Paths use dots (`models.defaultModel`), with `["key"]` for keys that
 * are not identifiers; arrays are compared as whole values. Values are printed as JSON.
 *
 * @example
 * ```ts
 * diffDocuments(
 *   { schemaVersion: '1', model: 'gpt-4o' },
 *   { schemaVersion: '2', models: { defaultModel: 'gpt-4o' } },
 * );
 * // ['~ schemaVersion: "1" -> "2"', '- model', '+ models.defaultModel: "gpt-4o"']
 * ```
 */
export function diffDocuments(
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): string[] {
  const lines: string[] = [];
  diffObjects(before, after, '', lines);
  return lines;
}

function diffObjects(
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
  path: string,
  lines: string[],
): void {
  for (const key of Object.keys(before)) {
    const childPath = joinPath(path, key);
    if (!Object.hasOwn(after, key)) {
      lines.push(`- ${childPath}`);
      continue;
    }
    const left = before[key];
    const right = after[key];
    if (isPlainObject(left) && isPlainObject(right)) {
      diffObjects(left, right, childPath, lines);
    } else if (!isDeepEqual(left, right)) {
      lines.push(`~ ${childPath}: ${formatValue(left)} -> ${formatValue(right)}`);
    }
  }
  for (const key of Object.keys(after)) {
    if (!Object.hasOwn(before, key)) addedLines(after[key], joinPath(path, key), lines);
  }
}

function addedLines(value: unknown, path: string, lines: string[]): void {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) addedLines(child, joinPath(path, key), lines);
    return;
  }
  lines.push(`+ ${path}: ${formatValue(value)}`);
}

function joinPath(path: string, key: string): string {
  if (identifier.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

function formatValue(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
