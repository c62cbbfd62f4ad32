import { parseStoreKey, toAgentryError, type UnreadableEntry } from '@agentry/core';
import { armDeadlines } from './arm-deadlines.js';
import { launch } from './execute-run.js';
import { armTakeover, executionOf } from './local-runs.js';
import { claimLease, isHeld } from './run-lease.js';
import { runRecordKind, runnerSchemaVersion } from './journal-entry.js';
import { assertDefinitionUsable } from './migrate-run.js';
import { createRun, loadState } from './run-journal.js';
import { parseRunRecord } from './run-record-schema.js';
import { applyJournalEntry, emptyRunState } from './run-state.js';
import { listReadable, listRunRecords, readJournal, readRunRecord, runKey } from './run-store.js';
import { assertOpen, findWorkflow, type RunnerCore } from './runner-core.js';
import type { RecoverReport, RunRecord } from './runner-types.js';
import { findSettledChildren } from './settled-children.js';
import { recordFromState, syncRecord } from './sync-run-record.js';

/**
 * `WorkflowRunner.recover`: finishes starts a crash interrupted, then lets every unfinished run
 * go on from its journal (or waits again, with its deadlines armed), refusing runs whose workflow
 * changed without a migration. A run is claimed (its lease) before it is resumed; a run another
 * runner holds is reported `held` and taken over here if its lease expires. One damaged entry
 * never stops the others: a run record that cannot be read is rebuilt from the run's journal
 * (`rebuilt`) or, when that fails too, reported with its key (`refused`); each run is recovered
 * on its own.
 *
 * @internal
 * @throws AgentryError `invalid_transition` once the runner closed; the store's error when it
 *   cannot list the run records at all
 */
export async function recoverRuns(core: RunnerCore): Promise<RecoverReport> {
  assertOpen(core);
  const { store, definitions } = core;
  const report: RecoverReport = {
    resumed: [],
    waiting: [],
    held: [],
    refused: [],
    rebuilt: [],
  };
  const listed = await listRunRecords(store);
  const records = new Map(listed.records.map((record) => [record.runId, record]));
  for (const damaged of listed.unreadable) {
    const runId = runIdOf(damaged.key);
    try {
      const rebuilt = await rebuildRecord(core, damaged, runId);
      records.set(rebuilt.runId, rebuilt);
      report.rebuilt.push(rebuilt.runId);
    } catch {
      // The record's own problem says more than the journal's absence.
      report.refused.push({
        runId: runId ?? damaged.key,
        key: damaged.key,
        error: toAgentryError(damaged.error).toJSON(),
      });
    }
  }
  const starts = await listReadable(store, 'workflow-start:');
  for (const damaged of starts.unreadable) {
    report.refused.push({
      runId: damaged.key,
      key: damaged.key,
      error: toAgentryError(damaged.error).toJSON(),
    });
  }
  for (const entry of starts.entries) {
    const first = entry.data as { runId?: unknown; workflowId?: unknown; input?: unknown };
    if (typeof first.runId !== 'string' || typeof first.workflowId !== 'string') continue;
    if (records.has(first.runId) || !Object.hasOwn(definitions, first.workflowId)) continue;
    try {
      await createRun(core, {
        runId: first.runId,
        workflowId: first.workflowId,
        input: first.input,
      });
      const created = await readRunRecord(store, first.runId);
      if (created) records.set(first.runId, created.record);
    } catch (error) {
      report.refused.push({
        runId: first.runId,
        key: entry.key,
        error: toAgentryError(error).toJSON(),
      });
    }
  }
  for (const record of records.values()) {
    if (record.status !== 'running' && record.status !== 'waiting-for-person') continue;
    if (executionOf(core, record.runId)) continue;
    try {
      const state = await loadState(core, record.runId);
      if (state.ended) {
        await syncRecord(core, record.runId, state);
        continue;
      }
      if (state.nextSeq > 0) assertDefinitionUsable(core, record, state);
      else findWorkflow(core, record.workflowId);
      // A run waiting on a child run that ended (its notice lost when a process stopped) goes on.
      const settled = state.waiting.size > 0 && (await findSettledChildren(core, state)).length > 0;
      if (state.waiting.size > 0 && !settled) {
        if (record.status !== 'waiting-for-person') await syncRecord(core, record.runId, state);
        armDeadlines(core, record.runId, state);
        if (!record.parent) report.waiting.push(record.runId);
        continue;
      }
      // A child run goes on inside its parent's execution, unless it waited itself (on its own
      // child); it then tells its parent when it settles.
      if (record.parent && !settled) continue;
      // Claimed before it is reported: of runners recovering at once, one resumes each run.
      const claim = await claimLease(core, record.runId);
      if (isHeld(claim)) {
        const { runId } = record;
        armTakeover(core, runId, claim.expiresAt, () => void launch(core, runId));
        report.held.push(runId);
        continue;
      }
      core.events.next({
        type: 'run-resume',
        runId: record.runId,
        workflowId: record.workflowId,
        ...(record.userId === undefined ? {} : { userId: record.userId }),
        at: core.clock.now(),
      });
      // A failure of the execution is emitted as an `execution-error` event (see launch).
      void launch(core, record.runId, claim);
      if (!record.parent) report.resumed.push(record.runId);
    } catch (error) {
      report.refused.push({
        runId: record.runId,
        key: runKey(record.runId),
        error: toAgentryError(error).toJSON(),
      });
    }
  }
  return report;
}

function runIdOf(key: string): string | undefined {
  try {
    const [, runId] = parseStoreKey(key);
    return runId;
  } catch {
    return undefined;
  }
}

/**
 * Rebuilds a run record that cannot be read from the run's journal (which stays the truth): its
 * `run-start` entry gives the workflow, definition, input, origin and parent, the folded journal
 * the status. The rebuilt record replaces the damaged one.
 *
 * @throws the journal's error when it cannot be read or has no `run-start` entry
 */
async function rebuildRecord(
  core: RunnerCore,
  damaged: UnreadableEntry,
  runId: string | undefined,
): Promise<RunRecord> {
  if (runId === undefined) throw damaged.error;
  const entries = await readJournal(core.store, runId);
  const start = entries[0];
  if (start?.type !== 'run-start') throw damaged.error;
  const state = emptyRunState();
  for (const entry of entries) applyJournalEntry(state, entry);
  const base: RunRecord = {
    runId,
    workflowId: start.workflowId,
    definitionHash: start.definitionHash,
    input: start.input,
    status: 'running',
    ...(start.origin ? { origin: start.origin } : {}),
    ...(start.parent ? { parent: start.parent } : {}),
    ...(start.userId === undefined ? {} : { userId: start.userId }),
    ...(start.principal === undefined ? {} : { principal: start.principal }),
    ...(start.traceContext === undefined ? {} : { traceContext: start.traceContext }),
    startedAt: start.at,
    updatedAt: start.at,
  };
  // Parsed like a stored record, so that what is written back is one the store accepts.
  const record = parseRunRecord(damaged.key, recordFromState(core, base, state));
  await core.store.put(damaged.key, {
    kind: runRecordKind,
    schemaVersion: runnerSchemaVersion,
    data: record,
  });
  return record;
}
