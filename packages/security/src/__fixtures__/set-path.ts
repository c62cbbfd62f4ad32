type Path = readonly (string | number)[];

/** Walks to the object that holds the last key of `path`, or throws when the path is broken. */
function parentOf(target: object, path: Path): Record<string | number, unknown> {
  let current: unknown = target;
  for (const key of path.slice(0, -1)) {
    if (typeof current !== 'object' || current === null) throw new Error(`No object at ${key}.`);
    current = (current as Record<string | number, unknown>)[key];
  }
  if (typeof current !== 'object' || current === null) throw new Error('No parent object.');
  return current as Record<string | number, unknown>;
}

/** Sets the value at `path` in a test configuration, whatever its declared type. */
export function setPath(target: object, path: Path, value: unknown): void {
  parentOf(target, path)[path[path.length - 1]!] = value;
}

/** Deletes the key at `path` in a test configuration, whatever its declared type. */
export function deletePath(target: object, path: Path): void {
  delete parentOf(target, path)[path[path.length - 1]!];
}
