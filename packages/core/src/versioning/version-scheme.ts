import semver from 'semver';

const integerVersion = /^[1-9][0-9]*$/;

/**
 * Tells whether `value` is an exact schema version in the given mode: a canonical semver string
 * (`"1.2.0"`) when `semantic`, otherwise a positive integer string without leading zeros (`"2"`).
 *
 * @internal
 * @example
 * ```ts
 * isSchemaVersion('1.2.0', true); // true
 * isSchemaVersion('02', false); // false
 * ```
 */
export function isSchemaVersion(value: unknown, semantic: boolean): value is string {
  if (typeof value !== 'string') return false;
  return semantic ? semver.valid(value) === value : integerVersion.test(value);
}

/**
 * Tells whether `value` may stand in a compatibility matrix entry: an exact version, or (when
 * `semantic`) a semver range such as `"^1.0.0"` or `">=1.2.0 <2.0.0"`.
 *
 * @internal
 * @example
 * ```ts
 * isSchemaVersionPattern('^1.0.0', true); // true
 * isSchemaVersionPattern('^1', false); // false
 * ```
 */
export function isSchemaVersionPattern(value: unknown, semantic: boolean): value is string {
  if (isSchemaVersion(value, semantic)) return true;
  // An empty or blank string is the range "*" to semver; a matrix entry must say what it means.
  if (!semantic || typeof value !== 'string' || value.trim() === '') return false;
  return semver.validRange(value) !== null;
}

/**
 * Orders two exact versions of the same mode: negative when `left` is older, zero when equal,
 * positive when newer.
 *
 * @internal
 * @example
 * ```ts
 * compareSchemaVersions('10', '9', false); // 1
 * ```
 */
export function compareSchemaVersions(left: string, right: string, semantic: boolean): number {
  if (semantic) return semver.compare(left, right);
  // Integer strings have no leading zeros, so the longer one is larger; no precision is lost.
  if (left.length !== right.length) return left.length - right.length;
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * Tells whether an exact version falls under a matrix pattern (an exact version or a range).
 *
 * @internal
 * @example
 * ```ts
 * matchesSchemaVersion('^1.0.0', '1.4.0', true); // true
 * ```
 */
export function matchesSchemaVersion(pattern: string, version: string, semantic: boolean): boolean {
  if (pattern === version) return true;
  if (!semantic || isSchemaVersion(pattern, semantic)) return false;
  return semver.satisfies(version, pattern, { includePrerelease: true });
}

/**
 * Describes the version format of a mode, for error messages.
 *
 * @internal
 * @example
 * ```ts
 * describeSchemaVersionFormat(false); // 'a positive integer string such as "2"'
 * ```
 */
export function describeSchemaVersionFormat(semantic: boolean, allowRanges = false): string {
  if (!semantic) return 'a positive integer string such as "2"';
  return allowRanges
    ? 'a semver version such as "1.2.0" or a semver range such as "^1.0.0"'
    : 'a semver version such as "1.2.0"';
}
