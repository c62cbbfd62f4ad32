import type { WorkflowRunEvent } from '@agentry/core';
import type { AgentryMetricFamilies } from './agentry-metric-families.js';
import type { CounterSeries, HistogramSeries } from './metric-series.js';

/** How many runs' step start times are kept; the oldest run is forgotten beyond it. */
const MAX_TRACKED_RUNS = 10_000;

interface StepHandles {
  readonly started: CounterSeries;
  readonly completed: CounterSeries;
  readonly retries: CounterSeries;
  readonly duration: HistogramSeries;
  readonly errors: Map<string, CounterSeries>;
}

interface WorkflowHandles {
  readonly started: CounterSeries;
  readonly completed: CounterSeries;
  readonly failed: CounterSeries;
  readonly steps: Map<string, StepHandles>;
}

/**
 * @internal Records workflow runs' events into Agentry's metrics. Owner of:
 *
 * - `#workflows`: series handles per workflow and step, made on first use;
 * - `#starts`: per run in flight, when each of its steps started (the events' own `at`, on the
 *   runner's clock), made by the run's first step and removed when the run ends or fails; at most
 *   {@link MAX_TRACKED_RUNS} runs (a run suspended for long is forgotten first, and its step
 *   durations are then not observed).
 */
export class WorkflowEventRecorder {
  readonly #families: AgentryMetricFamilies;
  readonly #workflows = new Map<string, WorkflowHandles>();
  readonly #starts = new Map<string, Map<string, number>>();

  constructor(families: AgentryMetricFamilies) {
    this.#families = families;
  }

  record(event: WorkflowRunEvent): void {
    const workflow = this.#workflow(event.workflowId);
    switch (event.type) {
      case 'run-start':
        workflow.started.add(1);
        return;
      case 'run-end':
        workflow.completed.add(1);
        this.#starts.delete(event.runId);
        return;
      case 'run-error':
        workflow.failed.add(1);
        this.#starts.delete(event.runId);
        return;
      default:
        break;
    }
    if (event.stepId === undefined) return;
    const step = this.#step(workflow, event.workflowId, event.stepId);
    switch (event.type) {
      case 'step-start': {
        step.started.add(1);
        let starts = this.#starts.get(event.runId);
        if (starts === undefined) {
          if (this.#starts.size >= MAX_TRACKED_RUNS) {
            const oldest = this.#starts.keys().next().value;
            if (oldest !== undefined) this.#starts.delete(oldest);
          }
          starts = new Map();
          this.#starts.set(event.runId, starts);
        }
        starts.set(event.stepId, event.at);
        return;
      }
      case 'step-end': {
        step.completed.add(1);
        const starts = this.#starts.get(event.runId);
        const startedAt = starts?.get(event.stepId);
        if (startedAt !== undefined) {
          starts?.delete(event.stepId);
          step.duration.observe(Math.max(0, event.at - startedAt) / 1000);
        }
        return;
      }
      case 'step-error': {
        const code = errorCodeOf(event);
        let errors = step.errors.get(code);
        if (errors === undefined) {
          errors = this.#families.stepErrors.series([event.workflowId, event.stepId, code]);
          step.errors.set(code, errors);
        }
        errors.add(1);
        return;
      }
      case 'step-retry':
        step.retries.add(1);
        return;
      default:
        return;
    }
  }

  #workflow(id: string): WorkflowHandles {
    let found = this.#workflows.get(id);
    if (found === undefined) {
      const families = this.#families;
      found = {
        started: families.workflowRunsStarted.series([id]),
        completed: families.workflowRunsCompleted.series([id]),
        failed: families.workflowRunsFailed.series([id]),
        steps: new Map(),
      };
      this.#workflows.set(id, found);
    }
    return found;
  }

  #step(workflow: WorkflowHandles, workflowId: string, id: string): StepHandles {
    let found = workflow.steps.get(id);
    if (found === undefined) {
      const families = this.#families;
      const labels = [workflowId, id];
      found = {
        started: families.stepsStarted.series(labels),
        completed: families.stepsCompleted.series(labels),
        retries: families.stepRetries.series(labels),
        duration: families.stepDuration.series(labels),
        errors: new Map(),
      };
      workflow.steps.set(id, found);
    }
    return found;
  }
}

/** The code of a `step-error`'s serialised error (`@agentry/workflows` sends `error.toJSON()`). */
function errorCodeOf(event: WorkflowRunEvent): string {
  const error = (event as { readonly error?: unknown }).error;
  if (typeof error === 'object' && error !== null) {
    const code = (error as { readonly code?: unknown }).code;
    if (typeof code === 'string' && code.length > 0) return code;
  }
  return 'unknown';
}
