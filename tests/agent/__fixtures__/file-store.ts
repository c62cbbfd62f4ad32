import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
  AgentryError,
  assertExpectedRevision,
  assertStoreDelete,
  assertStoreKey,
  assertStoreList,
  assertStorePut,
  compareStoreKeys,
  findSerializationProblem,
  type StateStore,
  type StoredEnvelope,
} from '@agentry/core';

/**
 * A store that keeps one JSON file per key, written atomically (temporary file, then rename), so
 * that a process killed at any moment leaves every record either old or new. It exists for tests
 * that kill processes; it serialises its own operations but not those of other processes.
 */
export function createFileStore(directory: string): StateStore {
  let queue: Promise<unknown> = mkdir(directory, { recursive: true });
  let closed = false;
  const exclusive = <T>(operation: () => Promise<T>): Promise<T> => {
    if (closed)
      return Promise.reject(
        new AgentryError({ code: 'invalid_transition', message: 'The file store is closed.' }),
      );
    const next = queue.then(operation, operation);
    queue = next.catch(() => undefined);
    return next;
  };
  // Keys may be 512 characters of anything, so files are named by a hash of the key.
  const path = (key: string) =>
    join(directory, `${createHash('sha256').update(key).digest('hex')}.json`);
  const read = async (key: string): Promise<StoredEnvelope | undefined> => {
    try {
      return JSON.parse(await readFile(path(key), 'utf8')) as StoredEnvelope;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };

  return {
    async get(key) {
      assertStoreKey(key);
      return exclusive(() => read(key));
    },
    async put(key, value, options) {
      assertStorePut(key, value, options);
      const problem = findSerializationProblem(value.data);
      if (problem || value.data === undefined) {
        throw new AgentryError({
          code: 'not_serializable',
          message: `Record ${key} is not serializable${problem ? `: ${problem.reason}` : ''}.`,
          details: { key, path: problem?.path },
        });
      }
      return exclusive(async () => {
        const current = await read(key);
        assertExpectedRevision(key, options?.expectedRevision, current?.revision, 'put');
        const now = new Date().toISOString();
        const envelope = {
          key,
          revision: (current?.revision ?? 0) + 1,
          kind: value.kind,
          schemaVersion: value.schemaVersion,
          data: JSON.parse(JSON.stringify(value.data)) as typeof value.data,
          createdAt: current?.createdAt ?? now,
          updatedAt: current && current.updatedAt > now ? current.updatedAt : now,
        };
        const temporary = `${path(key)}.${process.pid}.tmp`;
        await writeFile(temporary, JSON.stringify(envelope));
        await rename(temporary, path(key));
        return JSON.parse(JSON.stringify(envelope)) as typeof envelope;
      });
    },
    async delete(key, options) {
      assertStoreDelete(key, options);
      return exclusive(async () => {
        const current = await read(key);
        assertExpectedRevision(key, options?.expectedRevision, current?.revision, 'delete');
        if (!current) return false;
        await rm(path(key));
        return true;
      });
    },
    async list(prefix, options) {
      assertStoreList(prefix, options);
      return exclusive(async () => {
        const limit = options?.limit ?? 100;
        const names = (await readdir(directory)).filter((name) => name.endsWith('.json'));
        const all = await Promise.all(
          names.map(
            async (name) =>
              JSON.parse(await readFile(join(directory, name), 'utf8')) as StoredEnvelope,
          ),
        );
        const matching = all
          .filter(
            (entry) =>
              entry.key.startsWith(prefix) &&
              (options?.after === undefined || compareStoreKeys(entry.key, options.after) > 0),
          )
          .sort((a, b) => compareStoreKeys(a.key, b.key));
        const entries = matching.slice(0, limit);
        return matching.length > limit
          ? { entries, next: entries[entries.length - 1]!.key }
          : { entries };
      });
    },
    async close() {
      await queue;
      closed = true;
    },
  };
}
