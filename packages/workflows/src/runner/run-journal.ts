import type { AuthorizationPrincipal, StorePutOptions } from '@agentry/core';
import type { RunOrigin } from '../workflow-starter.js';
import {
  journalEntryKind,
  journalSchemaVersion,
  runRecordKind,
  runnerSchemaVersion,
  type JournalEntry,
  type NewJournalEntry,
} from './journal-entry.js';
import type { RunContext } from './run-context.js';
import { applyJournalEntry, emptyRunState, type RunState } from './run-state.js';
import { checkLease, renewLease, type RunLease } from './run-lease.js';
import {
  foldJournalRecords,
  isConflict,
  journalKey,
  journalKeyAt,
  readJournalRecords,
  runKey,
  type JournalRecord,
} from './run-store.js';
import { findWorkflow, type RunnerCore } from './runner-core.js';
import { JournalMoved } from './runner-signals.js';
import type { RunRecord } from './runner-types.js';

// Journal records and run records are created once: a write that finds its key taken learns that
// another writer came first (see flush).
const createOnly: StorePutOptions = Object.freeze({ expectedRevision: null });

/**
 * Decides an entry without writing it yet: it joins the run's next journal write, so a step's end
 * and the next step's start and attempt reach the store in one atomic write, still before the run
 * does anything further (calls a handler, waits, returns). Only entries that are followed by a
 * {@link flush} on every path are staged; `entry` becomes the journaled entry (pass a new object).
 *
 * @internal
 */
export function stage(core: RunnerCore, ctx: RunContext, entry: NewJournalEntry): JournalEntry {
  const seq = ctx.state.nextSeq;
  // Callers pass a fresh literal, so it is completed in place: spreading entries of a dozen
  // shapes into a new object is one of the costliest operations on a step's path.
  const full = entry as JournalEntry;
  full.seq = seq;
  full.at = core.clock.now();
  // The state is this execution's view; if the write fails, the execution fails with it.
  applyJournalEntry(ctx.state, full);
  ctx.staged.push(full);
  return full;
}

/**
 * Appends an entry to the run's journal, with any staged before it, and waits until the store
 * holds them all (and every earlier write of the run); only then does the run move on.
 *
 * @internal
 */
export function append(core: RunnerCore, ctx: RunContext, entry: NewJournalEntry): Promise<void> {
  stage(core, ctx, entry);
  return ctx.branching > 0 ? flushGrouped(core, ctx) : flush(core, ctx);
}

/**
 * Writes the staged entries as one journal record under the key of the first, and waits until it
 * and every journal write of the run issued before it are stored. Parallel branches write
 * concurrently; waiting for the earlier writes too means that when a flush returns, every entry
 * decided before it is durable, whichever branch decided it.
 *
 * @internal
 */
export async function flush(core: RunnerCore, ctx: RunContext): Promise<void> {
  const entries = ctx.staged;
  if (entries.length === 0) {
    if (ctx.writing !== undefined) await ctx.writing;
    return;
  }
  ctx.staged = [];
  // The lease check: no store call while the lease has time left (see checkLease).
  const renewal = checkLease(core, ctx.lease);
  if (renewal !== undefined) await renewal;
  const data: JournalRecord = { entries, lease: ctx.lease.token };
  const write = core.store
    .put(
      journalKeyAt(ctx.journalPrefix, entries[0]!.seq),
      { kind: journalEntryKind, schemaVersion: journalSchemaVersion, data },
      createOnly,
    )
    .catch((error: unknown) => {
      throw isConflict(error) ? new JournalMoved() : error;
    });
  const previous = ctx.writing;
  const all: Promise<unknown> = previous === undefined ? write : Promise.all([previous, write]);
  ctx.writing = all;
  try {
    await all;
  } finally {
    if (ctx.writing === all) ctx.writing = undefined;
  }
  for (const entry of entries) {
    emit(core, entry, ctx.runId, ctx.workflowId, ctx.parentRunId, ctx.userId);
  }
}

/**
 * {@link flush} for parallel branches: the entries every branch stages in the same turn of the
 * event loop go to the store in one write, issued one microtask after the first branch asks,
 * instead of one write per branch. Each caller still returns only once its entries (and every
 * write issued before) are stored, so a branch never moves on before its journal is durable; a
 * {@link flush} called meanwhile takes the staged entries itself, which is as correct. On
 * `bench/workflow-overhead.bench.ts`'s parallel step of 100 no-op branches plus a join, the run made
 * 206 store writes and now makes 8, and a branch costs about 0.4x what it did (same-process
 * comparisons; about 6 µs per branch with the memory store, from about 15).
 *
 * @internal
 */
export function flushGrouped(core: RunnerCore, ctx: RunContext): Promise<void> {
  if (ctx.grouped !== undefined) return ctx.grouped;
  const grouped = Promise.resolve().then(() => {
    ctx.grouped = undefined;
    return flush(core, ctx);
  });
  ctx.grouped = grouped;
  return grouped;
}

/** Publishes a journaled entry on `events$`; no event is built while nobody listens. @internal */
export function emit(
  core: RunnerCore,
  entry: JournalEntry,
  runId: string,
  workflowId: string,
  parentRunId?: string,
  userId?: string,
): void {
  if (entry.type === 'run-migrate' || !core.events.observed) return;
  core.events.next({
    type: entry.type,
    runId,
    workflowId,
    ...('stepId' in entry ? { stepId: entry.stepId } : {}),
    ...(parentRunId === undefined ? {} : { parentRunId }),
    ...(userId === undefined ? {} : { userId }),
    at: entry.at,
    entry,
  });
}

/** Folds a run's journal, as it stands, without claiming the run (to look, not to write). @internal */
export async function loadState(core: RunnerCore, runId: string): Promise<RunState> {
  return foldState(foldJournalRecords(await readJournalRecords(core.store, runId)));
}

function foldState(folded: ReturnType<typeof foldJournalRecords>): RunState {
  const state = emptyRunState();
  for (const entry of folded.entries) applyJournalEntry(state, entry);
  state.nextSeq = Math.max(state.nextSeq, folded.nextSeq);
  return state;
}

/**
 * Folds a run's journal for the holder of its lease, so that it can write: seals the `seq`s no
 * record covers (with empty records that fence nothing, so that no late write can land below the
 * state read), and writes the run's `run-start` entry when the journal is empty (the run's start
 * was interrupted between its two writes, or has not written its journal yet). A write that finds
 * its key taken reads the journal again.
 *
 * @internal
 * @throws AgentryError `lease_lost` when another runner claimed the run meanwhile; as the store does
 */
export async function openRun(
  core: RunnerCore,
  record: RunRecord,
  lease: RunLease,
): Promise<RunState> {
  for (let tries = 0; ; tries += 1) {
    const folded = foldJournalRecords(await readJournalRecords(core.store, record.runId));
    try {
      for (const seq of folded.gaps) {
        await core.store.put(
          journalKey(record.runId, seq),
          { kind: journalEntryKind, schemaVersion: journalSchemaVersion, data: { entries: [] } },
          createOnly,
        );
      }
      if (folded.nextSeq > 0) return foldState(folded);
      const entry = runStartEntry(record, core.clock.now());
      const data: JournalRecord = { entries: [entry], lease: lease.token };
      await core.store.put(
        journalKey(record.runId, 0),
        { kind: journalEntryKind, schemaVersion: journalSchemaVersion, data },
        createOnly,
      );
      emit(core, entry, record.runId, record.workflowId, record.parent?.runId, record.userId);
      return foldState({ entries: [entry], nextSeq: 1, gaps: [] });
    } catch (error) {
      if (!isConflict(error) || tries >= 4) throw error;
      // Someone wrote where this runner was about to: confirm the run is still ours, look again.
      await renewLease(core, lease);
    }
  }
}

function runStartEntry(record: RunRecord, at: number): JournalEntry {
  return {
    type: 'run-start',
    seq: 0,
    at,
    workflowId: record.workflowId,
    definitionHash: record.definitionHash,
    input: record.input,
    ...(record.origin ? { origin: record.origin } : {}),
    ...(record.parent ? { parent: record.parent } : {}),
    ...(record.userId === undefined ? {} : { userId: record.userId }),
    ...(record.principal === undefined ? {} : { principal: record.principal }),
    ...(record.traceContext === undefined ? {} : { traceContext: record.traceContext }),
  };
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
    userId?: string;
    principal?: AuthorizationPrincipal;
    traceContext?: Record<string, string>;
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
    ...(run.userId === undefined ? {} : { userId: run.userId }),
    ...(run.principal === undefined ? {} : { principal: run.principal }),
    ...(run.traceContext === undefined ? {} : { traceContext: run.traceContext }),
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
    if (!isConflict(error)) throw error;
    return;
  }
  // A crash between the two writes leaves a record without a journal: the run's first execution
  // writes the run-start entry then (see openRun). So may an execution that came first (an
  // idempotent start racing this one): then this write finds the key taken, and that is fine.
  const entry = runStartEntry(record, now);
  const data: JournalRecord = { entries: [entry] };
  try {
    await core.store.put(
      journalKey(record.runId, 0),
      { kind: journalEntryKind, schemaVersion: journalSchemaVersion, data },
      createOnly,
    );
  } catch (error) {
    if (isConflict(error)) return;
    throw error;
  }
  emit(core, entry, record.runId, record.workflowId, record.parent?.runId, record.userId);
}
