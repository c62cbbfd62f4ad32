import { AgentryError } from '@agentry/core';

/** Thrown inside an execution when the run waits for a person; unwinds it. @internal */
export class RunSuspended extends Error {
  constructor() {
    super('The run waits for a person.');
    this.name = 'RunSuspended';
  }
}

/** Thrown when the run was cancelled or the runner closed: nothing more is journaled. @internal */
export class RunInterrupted extends Error {
  constructor() {
    super('The run was interrupted.');
    this.name = 'RunInterrupted';
  }
}

/**
 * Thrown by a journal write that found its key taken although the run's lease is still this
 * runner's: a runner that had lost the run wrote there late. The execution reads the journal again
 * (where that record is void or, if it came first, part of the history) and goes on from it.
 *
 * @internal
 */
export class JournalMoved extends Error {
  constructor() {
    super('The journal changed under the execution.');
    this.name = 'JournalMoved';
  }
}

/** Thrown by a subgraph attempt whose child run waits for a person. @internal */
export class ChildWaiting extends Error {
  constructor(readonly childRunId: string) {
    super(`The child run "${childRunId}" waits for a person.`);
    this.name = 'ChildWaiting';
  }
}

/** A step that failed for good: the run fails with `error`. @internal */
export class StepFailed extends Error {
  constructor(
    readonly stepId: string,
    readonly error: AgentryError,
  ) {
    super(error.message);
    this.name = 'StepFailed';
  }
}

/**
 * Whether a failed attempt is worth another: every error is, except an `AgentryError` that says it
 * is not recoverable (a bad reference, a missing handler, a validation failure).
 *
 * @internal
 */
export function isRetryable(error: unknown): boolean {
  return !(AgentryError.isInstance(error) && !error.recoverable);
}
