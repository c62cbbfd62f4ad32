import { readRunRecord, runNotFound } from './run-store.js';
import type { RunnerCore } from './runner-core.js';
import type { RunRecord } from './runner-types.js';

/**
 * `WorkflowRunner.wait`: waits for the run's execution in this process, if any, and returns its
 * stored record.
 *
 * @internal
 * @throws AgentryError `not_found` for an unknown run
 */
export async function waitForRun(core: RunnerCore, runId: string): Promise<RunRecord> {
  const running = core.executions.get(runId);
  if (running) await running;
  const found = await readRunRecord(core.store, runId);
  if (!found) throw runNotFound(runId);
  return found.record;
}
