/**
 * A path of keys and indexes from the root of a test object.
 *
 * @example
 * ```ts
 * import { setPath, type ObjectPath } from '@agentry/testing';
 *
 * // Keys and array indexes from the root of the object.
 * const firstPermission: ObjectPath = ['security', 'accessControl', 'permissions', 0, 'resource'];
 * const config = { security: { accessControl: { permissions: [{ resource: 'agents' }] } } };
 * setPath(config, firstPermission, ' ');
 * ```
 */
export type ObjectPath = readonly (string | number)[];

function parentOf(target: object, path: ObjectPath): Record<string | number, unknown> {
  let current: unknown = target;
  for (const key of path.slice(0, -1)) {
    if (typeof current !== 'object' || current === null)
      throw new Error(`No object at ${String(key)}.`);
    current = (current as Record<string | number, unknown>)[key];
  }
  if (typeof current !== 'object' || current === null) throw new Error('No parent object.');
  return current as Record<string | number, unknown>;
}

/**
 * Sets the value at `path` in a test configuration, whatever its declared type: a way to write
 * invalid values into a valid fixture.
 *
 * @throws Error when the path runs through something that is not an object
 * @example
 * ```ts
 * const config = compliantConfig();
 * setPath(config, ['security', 'encryption', 'atRest'], false);
 * ```
 */
export function setPath(target: object, path: ObjectPath, value: unknown): void {
  parentOf(target, path)[path[path.length - 1]!] = value;
}

/**
 * Deletes the key at `path` in a test configuration.
 *
 * @throws Error when the path runs through something that is not an object
 * @example
 * ```ts
 * deletePath(config, ['monitoring', 'logging', 'compliance']);
 * ```
 */
export function deletePath(target: object, path: ObjectPath): void {
  delete parentOf(target, path)[path[path.length - 1]!];
}
