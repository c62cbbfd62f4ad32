/**
 * Reads the value at `path` in a configuration (or a section of one), or `undefined` when any step
 * along the way is missing or not an object. Only own properties are followed, so a path such as
 * `['security', 'constructor']` never reaches into prototypes. Compliance checks use it to read
 * sections defensively.
 *
 * @example
 * ```ts
 * readConfigValue(config, ['security', 'encryption', 'atRest']); // true, false or undefined
 * ```
 */
export function readConfigValue(root: unknown, path: readonly (string | number)[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) {
      return undefined;
    }
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/**
 * Describes a configuration value for a finding's message: `not set` when it is missing, its JSON
 * form otherwise.
 *
 * @example
 * ```ts
 * describeConfigValue(undefined); // 'not set'
 * describeConfigValue(Number.NaN); // 'NaN'
 * ```
 */
export function describeConfigValue(value: unknown): string {
  if (value === undefined) return 'not set';
  // JSON would print NaN and Infinity as null.
  if (typeof value === 'number') return String(value);
  try {
    // JSON.stringify gives undefined for functions and symbols, and throws on bigints and cycles.
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}
