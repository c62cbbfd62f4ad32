import { hasInvisible } from './names.js';

/**
 * A resource path or pattern split into its segments (NFC-normalised). In a pattern, a segment
 * `*` matches exactly one segment of a path.
 *
 * @internal
 */
export type PathSegments = readonly string[];

/**
 * Why `segment` (at 1-based `position`) cannot be part of a typed path, or `undefined`. A pattern
 * may use `*` as a whole segment; a concrete path may not use `*` at all.
 */
function segmentProblem(
  segment: string,
  position: number,
  pattern: boolean,
  ascii: boolean,
): string | undefined {
  if (segment === '') return `segment ${position} is empty`;
  if (segment === '.' || segment.includes('..')) return `segment ${position} holds "." or ".."`;
  if (!ascii && hasInvisible(segment))
    return `segment ${position} holds whitespace, control or invisible characters`;
  if (segment.includes('*') && (!pattern || segment !== '*'))
    return pattern
      ? `segment ${position} uses "*" inside a name ("*" must be a whole segment)`
      : `segment ${position} holds "*", which only patterns may use`;
  return undefined;
}

/**
 * The segments of a concrete path made only of letters, digits, `-` and `_` (with `.` never
 * doubled and no segment `.`), in one scan; `undefined` for anything else, which the full checks
 * then judge. The hot path of every decision (bench/authorization.bench.ts).
 */
function quickPath(value: string): PathSegments | undefined {
  let start = 0;
  const segments: string[] = [];
  for (let index = 0; index <= value.length; index += 1) {
    const code = index === value.length ? 58 : value.charCodeAt(index);
    if (code === 58) {
      // ':' ends a segment, which must not be empty or '.'.
      if (index === start || (index === start + 1 && value.charCodeAt(start) === 46))
        return undefined;
      segments.push(value.slice(start, index));
      start = index + 1;
      continue;
    }
    const plain =
      (code >= 97 && code <= 122) ||
      (code >= 65 && code <= 90) ||
      (code >= 48 && code <= 57) ||
      code === 45 ||
      code === 95 ||
      (code === 46 && value.charCodeAt(index - 1) !== 46);
    if (!plain) return undefined;
  }
  return segments;
}

/**
 * Splits a typed path (`type:id[:...]`) or pattern into NFC-normalised segments, or says why it is
 * not one: segments separated by `:`, each non-empty, no `.` or `..`, no whitespace, control or
 * invisible characters, and `*` only as a whole segment of a pattern.
 *
 * @internal
 */
export function parseTypedPath(
  value: unknown,
  kind: 'pattern' | 'path',
): { segments: PathSegments } | { problem: string } {
  if (typeof value !== 'string') return { problem: `is ${typeof value}, not a string` };
  if (value === '') return { problem: 'is empty' };
  const quick = kind === 'path' ? quickPath(value) : undefined;
  if (quick !== undefined) return { segments: quick };
  // Printable ASCII needs no normalisation and holds no invisible characters.
  const ascii = /^[\x21-\x7e]+$/.test(value);
  const segments = (ascii ? value : value.normalize('NFC')).split(':');
  for (const [index, segment] of segments.entries()) {
    const problem = segmentProblem(segment, index + 1, kind === 'pattern', ascii);
    if (problem !== undefined) return { problem };
  }
  return { segments };
}

/**
 * The typed path of a resource: its `type`, then `:` and its `id` when it has one.
 *
 * @internal
 */
export function resourcePathOf(resource: { type?: unknown; id?: unknown }): unknown {
  if (typeof resource.type !== 'string') return resource.type;
  if (resource.id === undefined) return resource.type;
  return typeof resource.id === 'string' ? `${resource.type}:${resource.id}` : resource.id;
}
