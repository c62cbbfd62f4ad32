import type { MigrationBackupStore } from './migration-backup-store.js';
import type { MigrationPlan } from './migration-plan.js';

/** Where and when {@link storeMigrationBackup} stores. @internal */
export interface StoreMigrationBackupOptions {
  /** The store to write to. */
  backupStore: MigrationBackupStore;
  /** The clock for the key's timestamp. */
  now: () => Date;
  /** The document's id in the key; the document's own `id`, else `document`, by default. */
  id: string | undefined;
}

/**
 * Stores a copy of a plan's document under `<kind>/<id>/<version>/<ISO time>` and returns the key,
 * adding `#2`, `#3`… rather than overwriting a backup taken in the same millisecond.
 *
 * @internal
 * @example
 * ```ts
 * const key = await storeMigrationBackup(plan, { backupStore, now: () => new Date(), id: undefined });
 * ```
 */
export async function storeMigrationBackup(
  plan: MigrationPlan,
  options: StoreMigrationBackupOptions,
): Promise<string> {
  const { backupStore } = options;
  const ownId = plan.document['id'];
  const name =
    options.id ??
    (typeof ownId === 'string' || typeof ownId === 'number' ? String(ownId) : 'document');
  const base = `${plan.documentKind}/${name}/${plan.fromVersion}/${options.now().toISOString()}`;
  let key = base;
  for (let attempt = 2; (await backupStore.get(key)) !== undefined; attempt += 1) {
    key = `${base}#${attempt}`;
  }
  await backupStore.put(key, structuredClone(plan.document));
  return key;
}
