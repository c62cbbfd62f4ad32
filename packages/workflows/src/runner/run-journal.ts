import { AgentryError, type StorePutOptions } from '@agentry/core';
import type { RunOrigin } from '../workflow-starter.js';
import {
  journalEntryKind,
  runRecordKind,
  runnerSchemaVersion,
  type JournalEntry,
  type NewJournalEntry,
} from './journal-entry.js';
import type { RunContext } from './run-context.js';
import { applyJournalEntry, emptyRunState, type RunState } from './run-state.js';
import { journalKey, journalKeyAt, readJournal, runKey } from './run-store.js';
import { findWorkflow, type RunnerCore } from './runner-core.js';
import type { RunRecord } from './runner-types.js';

// Journal entries and run records are created once: a second runner executing the same run gets
// `conflict` and stops.
const createOnly: StorePutOptions = Object.freeze({ expectedRevision: null });

/**
 * Appends an entry to the run's journal and waits until the store holds it; only then does the
 * run's state take it in, so nothing moves on before its fact is durable. `entry` becomes the
 * journaled entry (its `seq` and `at` are set on it): pass a new object.
 *
 * @internal
 */
export async function append(
  core: RunnerCore,
  ctx: RunContext,
  entry: NewJournalEntry,
): Promise<JournalEntry> {
  const seq = ctx.state.nextSeq;
  // Callers pass a fresh literal, so it is completed in place: spreading entries of a dozen
  // shapes into a new object is one of the costliest operations on a step's path.
  const full = entry as JournalEntry;
  full.seq = seq;
  full.at = core.clock.now();
  ctx.state.nextSeq = seq + 1;
  await core.store.put(
    journalKeyAt(ctx.journalPrefix, seq),
    { kind: journalEntryKind, schemaVersion: runnerSchemaVersion, data: full },
    createOnly,
  );
  applyJournalEntry(ctx.state, full);
  emit(core, full, ctx.runId, ctx.workflowId, ctx.parentRunId);
  return full;
}

/** Publishes a journaled entry on `events$`; no event is built while nobody listens. @internal */
export function emit(
  core: RunnerCore,
  entry: JournalEntry,
  runId: string,
  workflowId: string,
  parentRunId?: string,
): void {
  if (entry.type === 'run-migrate' || !core.events.observed) return;
  core.events.next({
    type: entry.type,
    runId,
    workflowId,
    ...('stepId' in entry ? { stepId: entry.stepId } : {}),
    ...(parentRunId === undefined ? {} : { parentRunId }),
    at: entry.at,
    entry,
  });
}

/** Folds a run's journal. @internal */
export async function loadState(core: RunnerCore, runId: string): Promise<RunState> {
  const state = emptyRunState();
  for (const entry of await readJournal(core.store, runId)) applyJournalEntry(state, entry);
  return state;
}

/**
 * Writes a new run's record, then its `run-start` entry. A run that already exists is left as it
 * is (an idempotent start finishing what a crash interrupted).
 *
 * @internal
 */
export async function createRun(
  core: RunnerCore,
  run: {
    runId: string;
    workflowId: string;
    input: unknown;
    origin?: RunOrigin;
    idempotencyKey?: string;
    parent?: { runId: string; stepId: string };
  },
): Promise<void> {
  const workflow = findWorkflow(core, run.workflowId);
  const now = core.clock.now();
  const record: RunRecord = {
    runId: run.runId,
    workflowId: run.workflowId,
    definitionHash: workflow.hash,
    input: run.input === undefined ? null : run.input,
    status: 'running',
    ...(run.origin ? { origin: run.origin } : {}),
    ...(run.idempotencyKey === undefined ? {} : { idempotencyKey: run.idempotencyKey }),
    ...(run.parent ? { parent: run.parent } : {}),
    startedAt: now,
    updatedAt: now,
  };
  try {
    await core.store.put(
      runKey(run.runId),
      { kind: runRecordKind, schemaVersion: runnerSchemaVersion, data: record },
      createOnly,
    );
  } catch (error) {
    if (!(AgentryError.isInstance(error) && error.code === 'conflict')) throw error;
    return;
  }
  // A crash between the two writes leaves a record without a journal: its execution writes the
  // run-start entry then (see executeRun).
  const entry: JournalEntry = {
    type: 'run-start',
    seq: 0,
    at: now,
    workflowId: record.workflowId,
    definitionHash: record.definitionHash,
    input: record.input,
    ...(record.origin ? { origin: record.origin } : {}),
    ...(record.parent ? { parent: record.parent } : {}),
  };
  await core.store.put(
    journalKey(record.runId, 0),
    { kind: journalEntryKind, schemaVersion: runnerSchemaVersion, data: entry },
    createOnly,
  );
  emit(core, entry, record.runId, record.workflowId, record.parent?.runId);
}
