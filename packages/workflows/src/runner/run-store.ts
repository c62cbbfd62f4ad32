import { AgentryError, storeKey, storeKeyPrefix, type StateStore } from '@agentry/core';
import {
  journalEntryKind,
  journalSchemaVersion,
  runRecordKind,
  runnerSchemaVersion,
  type JournalEntry,
} from './journal-entry.js';
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

/** Reads every entry under a prefix, page by page. @internal */
export async function listAll(store: StateStore, prefix: string) {
  const all = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.list(prefix, { limit: 1000, ...(after ? { after } : {}) });
    all.push(...page.entries);
    if (page.next === undefined) return all;
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
      const data = record.data as JournalRecord;
      records.push({ seq, entries: data.entries, token: data.lease ?? 0 });
    } else if (record.kind === journalEntryKind && record.schemaVersion === '2') {
      records.push({ seq, entries: (record.data as JournalRecord).entries, token: 0 });
    } else if (record.kind === journalEntryKind && record.schemaVersion === '1') {
      // Runners before journal version 2 wrote one entry per record, the data being the entry.
      records.push({ seq, entries: [record.data as JournalEntry], token: 0 });
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
  if (entry.kind !== runRecordKind || entry.schemaVersion !== runnerSchemaVersion) {
    throw unsupported(entry.key, entry.kind, entry.schemaVersion, [runnerSchemaVersion]);
  }
  return { record: entry.data as RunRecord, revision: entry.revision };
}

/** Every run record. @internal */
export async function readRunRecords(store: StateStore): Promise<RunRecord[]> {
  const entries = await listAll(store, storeKeyPrefix('workflow-run'));
  return entries
    .filter((entry) => entry.kind === runRecordKind)
    .map((entry) => entry.data as RunRecord);
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
      if (!(AgentryError.isInstance(error) && error.code === 'conflict') || tries >= 4) throw error;
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
