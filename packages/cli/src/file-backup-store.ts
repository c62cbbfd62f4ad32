import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MigrationBackupStore } from '@agentry/core';

/**
 * A {@link MigrationBackupStore} keeping each backup as a JSON file in `directory`, named after
 * its key (percent-encoded), so backups outlive the command.
 *
 * @internal
 */
export function createFileBackupStore(directory: string): MigrationBackupStore {
  const fileOf = (key: string): string => join(directory, `${encodeURIComponent(key)}.json`);
  return {
    async put(key, document) {
      await mkdir(directory, { recursive: true });
      await writeFile(fileOf(key), `${JSON.stringify(document, null, 2)}\n`, { flag: 'w' });
    },
    async get(key) {
      try {
        return JSON.parse(await readFile(fileOf(key), 'utf8')) as Record<string, unknown>;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async delete(key) {
      await rm(fileOf(key), { force: true });
    },
    async list(prefix = '') {
      let names: string[];
      try {
        names = await readdir(directory);
      } catch {
        return [];
      }
      return names
        .filter((name) => name.endsWith('.json') && !name.startsWith('last-migration'))
        .map((name) => decodeURIComponent(name.slice(0, -'.json'.length)))
        .filter((key) => key.startsWith(prefix))
        .sort();
    },
  };
}
