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
function segmentProblem(segment: string, position: number, pattern: boolean): string | undefined {
  if (segment === '') return `segment ${position} is empty`;
  if (segment === '.' || segment.includes('..')) return `segment ${position} holds "." or ".."`;
  if (hasInvisible(segment))
    return `segment ${position} holds whitespace, control or invisible characters`;
  if (segment.includes('*') && (!pattern || segment !== '*'))
    return pattern
      ? `segment ${position} uses "*" inside a name ("*" must be a whole segment)`
      : `segment ${position} holds "*", which only patterns may use`;
  return undefined;
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
  // Printable ASCII needs no normalisation and holds no invisible characters.
  const ascii = /^[\x21-\x7e]+$/.test(value);
  const segments = (ascii ? value : value.normalize('NFC')).split(':');
  for (const [index, segment] of segments.entries()) {
    const problem = segmentProblem(segment, index + 1, kind === 'pattern');
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
