import { sleep } from '@agentry/core';
import { executionOf } from './local-runs.js';
import { readRunRecord, runNotFound } from './run-store.js';
import type { RunnerCore } from './runner-core.js';
import type { RunRecord } from './runner-types.js';

/** The first pause between two reads of a run record, ms; pauses double up to `waitPollMs`. */
const firstPause = 10;

/**
 * `WorkflowRunner.wait`: settles once the run ends or waits for a person, whichever runner
 * executes it. A run executing here is awaited directly; otherwise (another process, or another
 * runner on the same store) its record is read again after 10 ms, then after pauses that double
 * up to `waitPollMs`: one store read per pause, and an answer at most `waitPollMs` late. Once the
 * runner closes, the record is returned as it is.
 *
 * @internal
 * @throws AgentryError `not_found` for an unknown run; whatever the run's execution here threw
 */
export async function waitForRun(core: RunnerCore, runId: string): Promise<RunRecord> {
  let pause = firstPause;
  for (;;) {
    const running = executionOf(core, runId);
    if (running) await running;
    const found = await readRunRecord(core.store, runId);
    if (!found) throw runNotFound(runId);
    if (found.record.status !== 'running' || core.closed) return found.record;
    // Launched here meanwhile (a takeover): wait for that execution instead.
    if (executionOf(core, runId)) continue;
    try {
      await sleep(pause, { clock: core.clock, signal: core.closing.signal });
    } catch {
      // The runner closed: the loop returns the record as it is.
    }
    pause = Math.min(pause * 2, core.waitPollMs);
  }
}
