import { toAgentryError } from '@agentry/core';
import { armDeadlines } from './arm-deadlines.js';
import { launch } from './execute-run.js';
import { armTakeover, executionOf } from './local-runs.js';
import { claimLease, isHeld } from './run-lease.js';
import { assertDefinitionUsable } from './migrate-run.js';
import { createRun, loadState } from './run-journal.js';
import { listAll, readRunRecord, readRunRecords } from './run-store.js';
import { assertOpen, findWorkflow, type RunnerCore } from './runner-core.js';
import type { RecoverReport } from './runner-types.js';
import { syncRecord } from './sync-run-record.js';

/**
 * `WorkflowRunner.recover`: finishes starts a crash interrupted, then lets every unfinished run
 * go on from its journal (or waits again, with its deadlines armed), refusing runs whose workflow
 * changed without a migration. A run is claimed (its lease) before it is resumed; a run another
 * runner holds is reported `held` and taken over here if its lease expires.
 *
 * @internal
 * @throws AgentryError `invalid_transition` once the runner closed
 */
export async function recoverRuns(core: RunnerCore): Promise<RecoverReport> {
  assertOpen(core);
  const { store, definitions } = core;
  const report: RecoverReport = { resumed: [], waiting: [], held: [], refused: [] };
  const records = new Map((await readRunRecords(store)).map((record) => [record.runId, record]));
  for (const entry of await listAll(store, 'workflow-start:')) {
    const first = entry.data as { runId: string; workflowId: string; input: unknown };
    if (!records.has(first.runId) && Object.hasOwn(definitions, first.workflowId)) {
      await createRun(core, first);
      const created = await readRunRecord(store, first.runId);
      if (created) records.set(first.runId, created.record);
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
      if (state.waiting.size > 0) {
        if (record.status !== 'waiting-for-person') await syncRecord(core, record.runId, state);
        armDeadlines(core, record.runId, state);
        if (!record.parent) report.waiting.push(record.runId);
        continue;
      }
      // A child run goes on inside its parent's execution.
      if (record.parent) continue;
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
        at: core.clock.now(),
      });
      void launch(core, record.runId, claim);
      report.resumed.push(record.runId);
    } catch (error) {
      report.refused.push({ runId: record.runId, error: toAgentryError(error).toJSON() });
    }
  }
  return report;
}
