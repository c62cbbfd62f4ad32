/**
 * Where a migrator keeps a copy of each document before migrating it, when the strategy's
 * `dataBackup` is on. Keys look like `configuration/<id>/<version>/<ISO time>`. Implementations
 * should store and return copies, so nobody can change a backup through a shared reference.
 *
 * @example
 * ```ts
 * const fileStore: MigrationBackupStore = {
 *   put: (key, document) => writeFile(toPath(key), JSON.stringify(document)),
 *   get: async (key) => JSON.parse(await readFile(toPath(key), 'utf8')),
 *   delete: (key) => rm(toPath(key), { force: true }),
 *   list: async (prefix = '') => (await listKeys()).filter((key) => key.startsWith(prefix)),
 * };
 * ```
 */
export interface MigrationBackupStore {
  /** Stores `document` under `key`, replacing what was there. */
  put(key: string, document: Readonly<Record<string, unknown>>): Promise<void>;
  /** Returns the document stored under `key`, or `undefined` when there is none. */
  get(key: string): Promise<Record<string, unknown> | undefined>;
  /** Removes the document stored under `key`; removing a missing key does nothing. */
  delete(key: string): Promise<void>;
  /** Lists the stored keys that start with `prefix` (all keys without one), sorted. */
  list(prefix?: string): Promise<string[]>;
}
