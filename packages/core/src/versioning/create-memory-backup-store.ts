import type { MigrationBackupStore } from './migration-backup-store.js';

/**
 * Creates a {@link MigrationBackupStore} that keeps backups in memory, as deep copies. It is the
 * migrator's default; backups vanish with the process, so pass a durable store for files and
 * databases that outlive it.
 *
 * @example
 * ```ts
 * const backupStore = createMemoryBackupStore();
 * const migrator = createMigrator({ ...options, backupStore });
 * await backupStore.list('configuration/'); // keys of the configuration backups
 * ```
 */
export function createMemoryBackupStore(): MigrationBackupStore {
  const backups = new Map<string, Record<string, unknown>>();
  return {
    put(key, document) {
      backups.set(key, structuredClone(document));
      return Promise.resolve();
    },
    get(key) {
      const backup = backups.get(key);
      return Promise.resolve(backup === undefined ? undefined : structuredClone(backup));
    },
    delete(key) {
      backups.delete(key);
      return Promise.resolve();
    },
    list(prefix = '') {
      return Promise.resolve([...backups.keys()].filter((key) => key.startsWith(prefix)).sort());
    },
  };
}
