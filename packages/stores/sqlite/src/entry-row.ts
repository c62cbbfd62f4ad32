import { crc32 } from 'node:zlib';
import { AgentryError, type StoredEnvelope } from '@agentry/core';

/**
 * A row of the entries table.
 *
 * @internal
 */
export interface EntryRow {
  key: string;
  revision: number;
  kind: string;
  schema_version: string;
  data: string;
  created_at: string;
  updated_at: string;
  /** {@link entryChecksum} of the other columns, written with them. */
  checksum: number;
}

/**
 * The CRC-32 of an entry: of its data (the JSON text), then of a JSON array of every other column,
 * the key included, so a change to any byte of any column (or an entry moved to another key) is
 * caught. Both parts are JSON, so no two different rows are spelled alike. CRC-32 catches every
 * change of up to 32 consecutive bits and misses a random change with odds of 1 in 2^32; it guards
 * against damage (a disk, a copy, an outside program), not against someone who rewrites the file
 * on purpose and can recompute it. Cost: about 0.5 µs for a workflow step's journal record and
 * 0.4 ms per MB of data (zlib's CRC-32, measured on Node 20).
 *
 * @internal
 * @example
 * ```ts
 * row.checksum = entryChecksum(row);
 * ```
 */
export function entryChecksum(row: Omit<EntryRow, 'checksum'>): number {
  const columns = JSON.stringify([
    row.key,
    row.revision,
    row.kind,
    row.schema_version,
    row.created_at,
    row.updated_at,
  ]);
  return crc32(columns, crc32(row.data));
}

/**
 * Turns a row into the envelope the store returns, after checking its checksum.
 *
 * @internal
 * @throws AgentryError `data_corrupted` (with `details.key`) when the row fails its checksum or its
 *   data is not JSON: the row was changed outside the store or damaged
 * @example
 * ```ts
 * const envelope = toEnvelope(row, path);
 * ```
 */
export function toEnvelope(row: EntryRow, path: string): StoredEnvelope {
  const computed = entryChecksum(row);
  if (computed !== row.checksum)
    throw corrupted(row.key, path, 'does not match its checksum', {
      storedChecksum: row.checksum,
      computedChecksum: computed,
    });
  try {
    return toWrittenEnvelope(row);
  } catch (error) {
    throw corrupted(row.key, path, 'holds data that is not JSON', {}, error);
  }
}

/**
 * Turns a row this store has just written into an envelope, with a fresh copy of its data.
 *
 * @internal
 * @example
 * ```ts
 * return toWrittenEnvelope(row);
 * ```
 */
export function toWrittenEnvelope(row: EntryRow): StoredEnvelope {
  return {
    key: row.key,
    revision: row.revision,
    kind: row.kind,
    schemaVersion: row.schema_version,
    data: JSON.parse(row.data) as unknown,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function corrupted(
  key: string,
  path: string,
  problem: string,
  details: Record<string, unknown>,
  cause?: unknown,
): AgentryError {
  return new AgentryError({
    code: 'data_corrupted',
    message: `The entry ${JSON.stringify(key)} in the SQLite store ${JSON.stringify(path)} ${problem}: it was changed outside the store or damaged on disk, so it is not returned. Write the entry again from its source, or delete it.`,
    details: { path, key, ...details },
    suggestions: [
      'Rebuild the entry from its source and put it again (a put replaces a damaged entry), or delete it.',
      'Restore the file from a backup if many entries are damaged.',
      'Check the disk, and run "PRAGMA integrity_check" with the sqlite3 shell.',
    ],
    ...(cause === undefined ? {} : { cause }),
  });
}
