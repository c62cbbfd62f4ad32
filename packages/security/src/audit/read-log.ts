import { AgentryError, type StateStore } from '@agentry/core';
import { layout, toHeadData, type HeadData, type StoredAuditRecord } from './audit-record.js';

/** @internal The head as read, with the revision a write must name (`null`: no head yet). */
export interface ReadHead {
  readonly revision: number | null;
  readonly data: HeadData;
}

/** @internal An empty log's head. */
export const emptyHead: HeadData = {
  size: 0,
  hash: '0'.repeat(64),
  frontier: [],
  pending: [],
  checkpoints: [],
};

/** @internal One row under `e:` in key order: its key's index and its data (or why unreadable). */
export interface ReadRow {
  /** The index the key names, or NaN when the key is not an entry key. */
  readonly keyIndex: number;
  readonly data?: unknown;
  readonly unreadable?: AgentryError;
}

/** @internal Reads the head record; `malformed` when it does not have a head's shape. */
export async function readHead(
  store: StateStore,
  log: string,
): Promise<ReadHead | { malformed: true }> {
  const stored = await store.get(layout.head(log));
  if (stored === undefined) return { revision: null, data: emptyHead };
  const data = toHeadData(stored.data);
  return data === undefined ? { malformed: true } : { revision: stored.revision, data };
}

/**
 * Lists every row under `prefix` from `after` (exclusive) in key order, pages of 1,000, up to
 * `limit` rows, damaged rows included with their error.
 *
 * @internal
 */
export async function listRows(
  store: StateStore,
  prefix: string,
  options: { after?: string; limit?: number } = {},
): Promise<{ key: string; data?: unknown; unreadable?: AgentryError }[]> {
  const rows: { key: string; data?: unknown; unreadable?: AgentryError }[] = [];
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  let after = options.after;
  while (rows.length < limit) {
    const page = await store.list(prefix, {
      limit: Math.min(1000, limit - rows.length),
      ...(after === undefined ? {} : { after }),
    });
    const pageRows = page.entries.map((entry) => ({ key: entry.key, data: entry.data }));
    for (const { key, error } of page.unreadable ?? [])
      pageRows.push({ key, data: undefined, unreadable: error } as (typeof pageRows)[number]);
    if (page.unreadable?.length)
      pageRows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    rows.push(...pageRows);
    if (page.next === undefined) break;
    after = page.next;
  }
  return rows;
}

/** @internal The index an entry or checkpoint key names, or NaN. */
export function indexOfKey(key: string, prefix: string): number {
  const tail = key.slice(prefix.length);
  return /^[0-9]{12}$/.test(tail) ? Number(tail) : Number.NaN;
}

/** Entry keys share their first 9 digits in buckets of 1,000 indices. */
const BUCKET = 1000;
const bucketPrefix = (log: string, bucket: number) =>
  `${layout.entryPrefix(log)}${String(bucket).padStart(9, '0')}`;

function toReadRows(
  rows: { key: string; data?: unknown; unreadable?: AgentryError }[],
  prefix: string,
): ReadRow[] {
  return rows.map((row) => ({
    keyIndex: indexOfKey(row.key, prefix),
    ...(row.unreadable ? { unreadable: row.unreadable } : { data: row.data }),
  }));
}

/**
 * Reads the entry rows `[from, to)` of a log, by key. Each bucket of 1,000 indices is listed by
 * its own prefix: a page that starts `after` a key makes some stores scan from the prefix's start,
 * which turns reading a long log quadratic.
 *
 * @internal
 */
export async function readRows(
  store: StateStore,
  log: string,
  from = 0,
  to = from + 1,
): Promise<ReadRow[]> {
  const prefix = layout.entryPrefix(log);
  const rows: ReadRow[] = [];
  for (let bucket = Math.floor(from / BUCKET); bucket * BUCKET < to; bucket += 1)
    for (const row of toReadRows(await listRows(store, bucketPrefix(log, bucket)), prefix))
      if (!(row.keyIndex < from || row.keyIndex >= to)) rows.push(row);
  return rows;
}

/**
 * Reads every row under a log's `e:` prefix, in key order: the buckets up to `atLeast` entries and
 * on while they hold rows, then whatever sorts before or after them (keys no writer makes).
 *
 * @internal
 */
export async function readAllRows(
  store: StateStore,
  log: string,
  atLeast: number,
): Promise<ReadRow[]> {
  const prefix = layout.entryPrefix(log);
  const firstBucket = bucketPrefix(log, 0);
  const first = await listRows(store, prefix, { limit: 1 });
  const before =
    first[0] !== undefined && first[0].key < firstBucket
      ? (await listRows(store, prefix, { limit: 1000 })).filter((row) => row.key < firstBucket)
      : [];
  const rows = toReadRows(before, prefix);
  let bucket = 0;
  for (; ; bucket += 1) {
    const page = await listRows(store, bucketPrefix(log, bucket));
    if (page.length === 0 && bucket * BUCKET >= atLeast) break;
    rows.push(...toReadRows(page, prefix));
  }
  rows.push(
    ...toReadRows(await listRows(store, prefix, { after: bucketPrefix(log, bucket) }), prefix),
  );
  return rows;
}

/** @internal Every checkpoint note stored under `c:`, by the size its key names. */
export async function readCheckpointNotes(
  store: StateStore,
  log: string,
): Promise<{ keySize: number; note: unknown }[]> {
  const prefix = layout.checkpointPrefix(log);
  const rows = await listRows(store, prefix);
  return rows.map((row) => ({
    keySize: indexOfKey(row.key, prefix),
    note: (row.data as { note?: unknown } | undefined)?.note,
  }));
}

/**
 * The records `[from, to)` of a log: `e:` rows, with the head's pending records filling what is
 * not written there yet. Rows that are damaged, misplaced or missing raise `audit_tampered`.
 *
 * @internal
 */
export async function readRecords(
  store: StateStore,
  log: string,
  head: HeadData,
  from: number,
  to: number,
): Promise<StoredAuditRecord[]> {
  const rows = await readRows(store, log, from, to);
  const pending = new Map(head.pending.map((record) => [record.index, record]));
  const records: StoredAuditRecord[] = [];
  let row = 0;
  for (let index = from; index < to; index += 1) {
    const current = rows[row];
    if (current !== undefined && current.keyIndex === index) {
      row += 1;
      const data = current.data as StoredAuditRecord | undefined;
      if (current.unreadable === undefined && data?.index === index) {
        records.push(data);
        continue;
      }
    } else if (pending.has(index)) {
      records.push(pending.get(index)!);
      continue;
    }
    throw new AgentryError({
      code: 'audit_tampered',
      message: `Audit log "${log}" has no readable entry ${index}; run verify() to find what changed.`,
      details: { log, index },
      suggestions: ['Run verify() on the log; restore the store from a backup.'],
    });
  }
  return records;
}
