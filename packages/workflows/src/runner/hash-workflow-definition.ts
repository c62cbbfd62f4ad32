import { createHash } from 'node:crypto';

/**
 * Hashes a workflow definition: SHA-256 of its JSON with object keys sorted, as 64 hex digits.
 * The runner stores it on every run and refuses to recover or resume a run whose workflow now
 * hashes differently, unless a migration from the old hash is registered.
 *
 * @param definition - a workflow definition (any JSON value)
 * @returns the hash, such as `"3f2a…"`
 * @example
 * ```ts
 * const to = hashWorkflowDefinition(newDefinition);
 * createWorkflowRunner({ store, registry, migrations: [{ workflowId: 'orders', from: oldHash, to }] });
 * ```
 */
export function hashWorkflowDefinition(definition: unknown): string {
  return createHash('sha256').update(canonicalJson(definition)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort();
    return `{${keys
      .map(
        (key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`,
      )
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
