import {
  AgentryError,
  storeKey,
  storeKeyPrefix,
  toAgentryError,
  type StateStore,
  type StoredEnvelope,
  type UnreadableEntry,
} from '@agentry/core';
import {
  journalEntryKind,
  journalSchemaVersion,
  runRecordKind,
  runnerSchemaVersion,
  type JournalEntry,
} from './journal-entry.js';
import { parseJournalRecord } from './journal-entry-schema.js';
import { parseRunRecord } from './run-record-schema.js';
import type { RunRecord } from './runner-types.js';

/** The store key of a run record. @internal */
export const runKey = (runId: string) => storeKey('workflow-run', runId);
/** The store key prefix of a run's journal entries. @internal */
export const journalPrefix = (runId: string) => storeKeyPrefix('workflow-journal', runId);
/**
 * The store key of one journal entry under its run's {@link journalPrefix}; the sequence number is
 * padded so keys sort in order.
 *
 * @internal
 */
export const journalKeyAt = (prefix: string, seq: number) =>
  `${prefix}${String(seq).padStart(10, '0')}`;
/** The store key of one journal entry. @internal */
export const journalKey = (runId: string, seq: number) => journalKeyAt(journalPrefix(runId), seq);
/** The store key of an idempotent start. @internal */
export const startKey = (workflowId: string, idempotencyKey: string) =>
  storeKey('workflow-start', workflowId, idempotencyKey);

/**
 * Reads every entry under a prefix, page by page.
 *
 * @internal
 * @throws the error of the first entry the store could not read (a journal must be whole)
 */
export async function listAll(store: StateStore, prefix: string) {
  const { entries, unreadable } = await listReadable(store, prefix);
  if (unreadable[0]) throw unreadable[0].error;
  return entries;
}

/**
 * Reads every entry under a prefix, page by page, and the entries the store could not read
 * (reported by key, see `StoreListPage.unreadable`) beside them.
 *
 * @internal
 */
export async function listReadable(
  store: StateStore,
  prefix: string,
): Promise<{ entries: StoredEnvelope[]; unreadable: UnreadableEntry[] }> {
  const entries: StoredEnvelope[] = [];
  const unreadable: UnreadableEntry[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.list(prefix, { limit: 1000, ...(after ? { after } : {}) });
    entries.push(...page.entries);
    if (page.unreadable) unreadable.push(...page.unreadable);
    if (page.next === undefined) return { entries, unreadable };
    after = page.next;
  }
}

/**
 * One journal record as read: the `seq` of its key, its entries, and the fencing token of the
 * lease it was written under (0 for records of runners before leases, and for a run's first
 * record written by its start).
 *
 * @internal
 */
export interface ReadJournalRecord {
  seq: number;
  entries: JournalEntry[];
  token: number;
}

/** Reads a run's journal records in key order. @internal */
export async function readJournalRecords(
  store: StateStore,
  runId: string,
): Promise<ReadJournalRecord[]> {
  const prefix = journalPrefix(runId);
  const records: ReadJournalRecord[] = [];
  for (const record of await listAll(store, prefix)) {
    const seq = Number(record.key.slice(prefix.length));
    if (record.kind === journalEntryKind && record.schemaVersion === journalSchemaVersion) {
      records.push({ seq, ...parseJournalRecord(record.key, record.data, journalSchemaVersion) });
    } else if (record.kind === journalEntryKind && record.schemaVersion === '2') {
      records.push({ seq, ...parseJournalRecord(record.key, record.data, '2') });
    } else if (record.kind === journalEntryKind && record.schemaVersion === '1') {
      // Runners before journal version 2 wrote one entry per record, the data being the entry.
      records.push({ seq, ...parseJournalRecord(record.key, record.data, '1') });
    } else {
      throw unsupported(record.key, record.kind, record.schemaVersion, [
        '1',
        '2',
        journalSchemaVersion,
      ]);
    }
  }
  return records;
}

/**
 * The fencing rule: a record written under a lower token than a record before it is void (its
 * writer had lost the run when it wrote). Returns the entries that count, in order, the `seq`
 * after the last record (void ones included, so no key is written twice) and the `seq`s no record
 * covers below it (left by concurrent writes that never landed).
 *
 * @internal
 */
export function foldJournalRecords(records: readonly ReadJournalRecord[]): {
  entries: JournalEntry[];
  nextSeq: number;
  gaps: number[];
} {
  const entries: JournalEntry[] = [];
  const gaps: number[] = [];
  let fence = 0;
  let nextSeq = 0;
  for (const record of records) {
    for (let seq = nextSeq; seq < record.seq; seq += 1) gaps.push(seq);
    nextSeq = Math.max(nextSeq, record.seq + Math.max(1, record.entries.length));
    if (record.token < fence) continue;
    fence = record.token;
    for (const entry of record.entries) entries.push(entry);
  }
  return { entries, nextSeq, gaps };
}

/** Reads the entries of a run's journal that count, in order. @internal */
export async function readJournal(store: StateStore, runId: string): Promise<JournalEntry[]> {
  return foldJournalRecords(await readJournalRecords(store, runId)).entries;
}

/**
 * The data of a journal record: consecutive entries of one run, written together under the key
 * of the first (see {@link journalKeyAt}), with the fencing token of the writer's lease.
 *
 * @internal
 */
export interface JournalRecord {
  entries: JournalEntry[];
  /** The token of the lease the record was written under; absent for a run's first record. */
  lease?: number;
}

/** Reads a run record. @internal */
export async function readRunRecord(
  store: StateStore,
  runId: string,
): Promise<{ record: RunRecord; revision: number } | undefined> {
  const entry = await store.get(runKey(runId));
  if (!entry) return undefined;
  return { record: toRunRecord(entry), revision: entry.revision };
}

/**
 * A stored run record, parsed with its schema.
 *
 * @internal
 * @throws AgentryError `schema_version_unsupported` for another kind or version;
 *   `validation_failed` (with `details.key`) for data that is not a run record
 */
export function toRunRecord(entry: StoredEnvelope): RunRecord {
  if (entry.kind !== runRecordKind || entry.schemaVersion !== runnerSchemaVersion) {
    throw unsupported(entry.key, entry.kind, entry.schemaVersion, [runnerSchemaVersion]);
  }
  return parseRunRecord(entry.key, entry.data);
}

/**
 * Every run record, and the records that cannot be read (damaged in the store, or not matching
 * the run record schema), each with its key and why.
 *
 * @internal
 */
export async function listRunRecords(
  store: StateStore,
): Promise<{ records: RunRecord[]; unreadable: UnreadableEntry[] }> {
  const { entries, unreadable } = await listReadable(store, storeKeyPrefix('workflow-run'));
  const records: RunRecord[] = [];
  for (const entry of entries) {
    if (entry.kind !== runRecordKind) continue;
    try {
      records.push(toRunRecord(entry));
    } catch (error) {
      unreadable.push({ key: entry.key, error: toAgentryError(error) });
    }
  }
  return { records, unreadable };
}

/** Every run record that can be read (`recover()` reports the others). @internal */
export async function readRunRecords(store: StateStore): Promise<RunRecord[]> {
  return (await listRunRecords(store)).records;
}

/**
 * Changes a run record with optimistic concurrency: reads it, applies `change`, writes it with the
 * revision read, and tries again (up to 5 times) when another writer came in between.
 *
 * @internal
 */
export async function updateRunRecord(
  store: StateStore,
  runId: string,
  change: (record: RunRecord) => RunRecord,
): Promise<RunRecord> {
  for (let tries = 0; ; tries += 1) {
    const current = await readRunRecord(store, runId);
    if (!current) throw runNotFound(runId);
    const next = change(current.record);
    try {
      await store.put(
        runKey(runId),
        { kind: runRecordKind, schemaVersion: runnerSchemaVersion, data: next },
        { expectedRevision: current.revision },
      );
      return next;
    } catch (error) {
      if (!isConflict(error) || tries >= 4) throw error;
    }
  }
}

/** The `not_found` error for an unknown run. @internal */
export function runNotFound(runId: string): AgentryError {
  return new AgentryError({
    code: 'not_found',
    message: `No workflow run "${runId}" is stored.`,
    details: { runId },
    suggestions: ['Check the run id; listRuns() shows the stored runs.'],
  });
}

function unsupported(
  key: string,
  kind: string,
  schemaVersion: string,
  supported: readonly string[],
): AgentryError {
  return new AgentryError({
    code: 'schema_version_unsupported',
    message: `The entry "${key}" is a ${kind} of schema version ${schemaVersion}, which this runner does not read (it reads version ${supported.join(' and ')}).`,
    details: { key, kind, schemaVersion, supported },
    suggestions: ['Run the runs with the version of @agentry/workflows that wrote them.'],
  });
}

/** Whether an error is a store's `conflict` (an expected revision that did not match). @internal */
export function isConflict(error: unknown): boolean {
  return AgentryError.isInstance(error) && error.code === 'conflict';
}
