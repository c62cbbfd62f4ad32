import { existsSync } from 'node:fs';
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

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

/** A damaged file: `data_corrupted`, naming the key when the file still says which it is. */
function corrupted(file: string, key: string | undefined): AgentryError {
  return new AgentryError({
    code: 'data_corrupted',
    message: `The file store entry ${file} does not match its checksum.`,
    details: { file, ...(key === undefined ? {} : { key }) },
    suggestions: ['Put or delete the entry again.'],
  });
}

/**
 * Reads a file written by the store: a SHA-256 of the envelope's JSON, a newline, the JSON.
 *
 * @param expectedKey - the key the file was looked up by, or undefined when listing
 */
function parseFile(file: string, text: string, expectedKey?: string): StoredEnvelope {
  const newline = text.indexOf('\n');
  const json = text.slice(newline + 1);
  if (newline !== 64 || digest(json) !== text.slice(0, newline)) {
    let key = expectedKey;
    try {
      key ??= (JSON.parse(json) as { key?: string }).key;
    } catch {
      // Not even JSON: the key is unknown.
    }
    throw corrupted(file, key);
  }
  return JSON.parse(json) as StoredEnvelope;
}

/**
 * Changes the stored bytes of an entry of a file store underneath it (the conformance suite's
 * corruption hook).
 */
export async function corruptFileStoreEntry(
  directory: string,
  key: string,
  change: (bytes: Uint8Array) => Uint8Array,
): Promise<void> {
  const file = join(directory, `${digest(key)}.json`);
  await writeFile(file, change(new Uint8Array(await readFile(file))));
}

/**
 * A store that keeps one JSON file per key, written atomically (temporary file, then rename), so
 * that a process killed at any moment leaves every record either old or new. It exists for tests
 * that kill processes; it serialises its own operations but not those of other processes. Each
 * file starts with a SHA-256 of its envelope, checked on every read.
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
  const path = (key: string) => join(directory, `${digest(key)}.json`);
  const read = async (key: string): Promise<StoredEnvelope | undefined> => {
    let text: string;
    try {
      text = await readFile(path(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const envelope = parseFile(path(key), text, key);
    if (envelope.key !== key) throw corrupted(path(key), key);
    return envelope;
  };
  // A write replaces a damaged entry: only the revision and times of an intact one are kept.
  const readForWrite = (key: string) =>
    read(key).catch((error: unknown) => {
      if (AgentryError.isInstance(error) && error.code === 'data_corrupted') return undefined;
      throw error;
    });

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
        const current = await readForWrite(key);
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
        const json = JSON.stringify(envelope);
        await writeFile(temporary, `${digest(json)}\n${json}`);
        await rename(temporary, path(key));
        return JSON.parse(JSON.stringify(envelope)) as typeof envelope;
      });
    },
    async delete(key, options) {
      assertStoreDelete(key, options);
      return exclusive(async () => {
        const current = await readForWrite(key);
        const exists = current !== undefined || existsSync(path(key));
        assertExpectedRevision(key, options?.expectedRevision, current?.revision, 'delete');
        if (!exists) return false;
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
          names.map(async (name) =>
            parseFile(join(directory, name), await readFile(join(directory, name), 'utf8')),
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
