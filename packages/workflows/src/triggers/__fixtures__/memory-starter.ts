import { AgentryError } from '@agentry/core';
import type { StartRunOptions, StartedRun, WorkflowStarter } from '../../workflow-starter.js';

/** One call of {@link MemoryStarter.start} that started a run. */
export interface StartedCall {
  runId: string;
  workflowId: string;
  input: unknown;
  options: StartRunOptions;
}

/**
 * An in-memory {@link WorkflowStarter} for tests: it records runs, deduplicates by workflow and
 * idempotency key like the runner, and lets a test mark runs finished or failing.
 */
export class MemoryStarter implements WorkflowStarter {
  /** Every run started, in order (deduplicated starts are not added). */
  readonly runs: StartedCall[] = [];
  /** Every call of start, deduplicated or not. */
  calls = 0;
  /** Runs that are still active. */
  readonly active = new Set<string>();
  /** When set, start rejects with it. */
  failWith: Error | undefined;
  /** Workflow ids start accepts; others reject with not_found. When undefined, any id. */
  known: Set<string> | undefined;
  private readonly keys = new Map<string, string>();
  private counter = 0;

  start(workflowId: string, input: unknown, options: StartRunOptions = {}): Promise<StartedRun> {
    this.calls += 1;
    if (this.failWith) return Promise.reject(this.failWith);
    if (this.known && !this.known.has(workflowId)) {
      return Promise.reject(
        new AgentryError({ code: 'not_found', message: `No workflow "${workflowId}".` }),
      );
    }
    const key =
      options.idempotencyKey === undefined
        ? undefined
        : `${workflowId}\u0000${options.idempotencyKey}`;
    const existing = key === undefined ? undefined : this.keys.get(key);
    if (existing !== undefined) return Promise.resolve({ runId: existing, deduplicated: true });
    this.counter += 1;
    const runId = `run-${this.counter}`;
    if (key !== undefined) this.keys.set(key, runId);
    this.runs.push({ runId, workflowId, input, options });
    this.active.add(runId);
    return Promise.resolve({ runId, deduplicated: false });
  }

  activeRuns(workflowId: string): Promise<number> {
    return Promise.resolve(
      this.runs.filter((run) => run.workflowId === workflowId && this.active.has(run.runId)).length,
    );
  }

  /** Marks every run finished. */
  finishAll(): void {
    this.active.clear();
  }
}
