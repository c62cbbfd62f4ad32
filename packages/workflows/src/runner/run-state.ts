import type { AgentryErrorJson } from '@agentry/core';
import type { JournalEntry, ResumeDecision } from './journal-entry.js';

/** What the journal says about one step. @internal */
export interface StepState {
  started: boolean;
  /** The highest attempt number journaled. */
  attempts: number;
  /** True when the last attempt has no result (it was running when the process stopped). */
  attemptOpen: boolean;
  /** The first attempt of the current round of the retry policy. */
  roundStart: number;
  /** Rounds started by the `retry` fallback. */
  fallbackRounds: number;
  /** The pending retry, when one was scheduled and has not started. */
  retry?: { attempt: number; dueAt: number };
  ended: boolean;
  output?: unknown;
  /** The final failure, when the step failed for good. */
  failed?: AgentryErrorJson;
  /** Set while the step waits for a person. */
  suspended?: {
    deadlineAt?: number;
    onDeadline?: ResumeDecision;
    childRunId?: string;
    error: AgentryErrorJson;
  };
  /** A decision not yet acted upon. */
  resume?: { decision: ResumeDecision | 'child-settled'; data?: unknown; actor?: string };
  /** The child run of the last subgraph attempt. */
  childRunId?: string;
}

/** A run's journal folded into what execution needs. @internal */
export interface RunState {
  input: unknown;
  definitionHash: string;
  steps: Map<string, StepState>;
  /** Outputs replaced by a migration, by step id. */
  migratedOutputs: Record<string, unknown>;
  ended: boolean;
  output?: unknown;
  error?: AgentryErrorJson;
  cancelled: boolean;
  /** The steps that wait for a person. */
  waiting: Set<string>;
  nextSeq: number;
}

/** An empty state. @internal */
export function emptyRunState(): RunState {
  return {
    input: undefined,
    definitionHash: '',
    steps: new Map(),
    migratedOutputs: {},
    ended: false,
    cancelled: false,
    waiting: new Set(),
    nextSeq: 0,
  };
}

function stepOf(state: RunState, stepId: string): StepState {
  let step = state.steps.get(stepId);
  if (!step) {
    step = {
      started: false,
      attempts: 0,
      attemptOpen: false,
      roundStart: 1,
      fallbackRounds: 0,
      ended: false,
    };
    state.steps.set(stepId, step);
  }
  return step;
}

/**
 * Applies one journal entry to a run state (in place). Folding every entry of a journal in `seq`
 * order gives the state the run had when it last wrote.
 *
 * @internal
 */
export function applyJournalEntry(state: RunState, entry: JournalEntry): void {
  state.nextSeq = Math.max(state.nextSeq, entry.seq + 1);
  switch (entry.type) {
    case 'run-start':
      state.input = entry.input;
      state.definitionHash = entry.definitionHash;
      return;
    case 'run-migrate':
      state.input = entry.input;
      state.definitionHash = entry.to;
      Object.assign(state.migratedOutputs, entry.outputs);
      for (const [stepId, output] of Object.entries(entry.outputs)) {
        const step = state.steps.get(stepId);
        if (step?.ended) step.output = output;
      }
      return;
    case 'step-start':
      stepOf(state, entry.stepId).started = true;
      return;
    case 'step-attempt': {
      const step = stepOf(state, entry.stepId);
      step.started = true;
      step.attempts = Math.max(step.attempts, entry.attempt);
      step.attemptOpen = true;
      step.retry = undefined;
      if (entry.childRunId !== undefined) step.childRunId = entry.childRunId;
      return;
    }
    case 'step-end': {
      const step = stepOf(state, entry.stepId);
      step.ended = true;
      step.output = entry.output;
      step.attemptOpen = false;
      step.retry = undefined;
      step.suspended = undefined;
      step.resume = undefined;
      return;
    }
    case 'step-error': {
      const step = stepOf(state, entry.stepId);
      step.attemptOpen = false;
      if (entry.final) step.failed = entry.error;
      return;
    }
    case 'step-retry': {
      const step = stepOf(state, entry.stepId);
      step.attemptOpen = false;
      step.retry = { attempt: entry.attempt, dueAt: entry.dueAt };
      if (entry.newRound) {
        step.roundStart = entry.attempt;
        if (step.resume === undefined) step.fallbackRounds += 1;
      }
      step.resume = undefined;
      step.failed = undefined;
      return;
    }
    case 'run-suspend': {
      const step = stepOf(state, entry.stepId);
      step.attemptOpen = entry.childRunId !== undefined;
      step.suspended = {
        deadlineAt: entry.deadlineAt,
        onDeadline: entry.onDeadline,
        childRunId: entry.childRunId,
        error: entry.error,
      };
      state.waiting.add(entry.stepId);
      return;
    }
    case 'run-resume': {
      const step = stepOf(state, entry.stepId);
      step.suspended = undefined;
      step.resume = { decision: entry.decision, data: entry.data, actor: entry.actor };
      state.waiting.delete(entry.stepId);
      return;
    }
    case 'run-end':
      state.ended = true;
      state.output = entry.output;
      state.waiting.clear();
      return;
    case 'run-error':
      state.ended = true;
      state.error = entry.error;
      state.cancelled = entry.cancelled === true;
      state.waiting.clear();
      return;
  }
}
