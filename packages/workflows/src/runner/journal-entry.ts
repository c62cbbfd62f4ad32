import type { AgentryErrorJson, AuthorizationPrincipal } from '@agentry/core';
import type { RunOrigin } from '../workflow-starter.js';

/** The `kind` of journal records in the store.
 *
 * @example
 * ```ts
 * (await store.list('workflow-journal:')).entries.every((entry) => entry.kind === journalEntryKind);
 * ```
 */
export const journalEntryKind = 'workflow-journal-entry';
/** The `kind` of run records in the store. */
export const runRecordKind = 'workflow-run';
/** The `kind` of idempotent-start records in the store. */
export const startRecordKind = 'workflow-start';
/** The shape version of run records and idempotent-start records. */
export const runnerSchemaVersion = '1';
/**
 * The shape version of the journal records the runner writes: `{ entries, lease }`, one or more
 * consecutive entries written at once, under the key of the first, with the fencing token of the
 * writer's run lease (a record with a lower token than one before it is void). Version `"2"`
 * records (`{ entries }`) and version `"1"` records (one entry each, the data being the entry)
 * are still read, as written under token 0.
 */
export const journalSchemaVersion = '3';

/** A decision a person (or a deadline) takes on a run waiting for a person.
 *
 * @example
 * ```ts
 * const decision: ResumeDecision = 'skip';
 * ```
 */
export type ResumeDecision = 'retry' | 'skip' | 'abort';

/**
 * The fields every {@link JournalEntry} has, whatever its `type`. The runner assigns both when it
 * appends the entry.
 *
 * @example
 * ```ts
 * const entries = await runner.journal(runId);
 * entries.every((entry: JournalEntryBase, index) => entry.seq === index);
 * ```
 */
export interface JournalEntryBase {
  /**
   * The entry's position in its run's journal, from 0, increasing. It has no gaps unless a run
   * was taken over from a runner that lost it while writing (its late records are void).
   */
  seq: number;
  /** When it was written, in milliseconds on the runner's clock (epoch milliseconds). */
  at: number;
}

/**
 * One durable fact of a run, appended to its journal before the run moves on. The journal is the
 * truth: recovery folds it to know which steps finished (and with what output), which attempt is
 * next, when a retry is due and whether the run waits for a person.
 *
 * @example
 * ```ts
 * const entries = await runner.journal(runId);
 * entries.filter((entry) => entry.type === 'step-end').map((entry) => entry.stepId);
 * ```
 */
export type JournalEntry = JournalEntryBase &
  (
    | {
        /** The run was created; always the entry with `seq` 0. */
        type: 'run-start';
        /** The workflow the run follows. */
        workflowId: string;
        /**
         * The hash of the workflow definition the run started with (see `hashWorkflowDefinition`).
         */
        definitionHash: string;
        /** The run's input (JSON; `null` when none was given). */
        input: unknown;
        /** What started the run, when the caller said. */
        origin?: RunOrigin;
        /** For the child run of a subgraph step: the parent run and its subgraph step. */
        parent?: {
          /** The parent run. */
          runId: string;
          /** The parent's subgraph step that started this run. */
          stepId: string;
        };
        /** The user the run serves, when it was started with one. */
        userId?: string;
        /** The principal the run acts for, when it was started with one. */
        principal?: AuthorizationPrincipal;
        /** The trace context captured at the start, when the runner has a propagator. */
        traceContext?: Record<string, string>;
      }
    | {
        /** A step began, written once before its first attempt (or its evaluation). */
        type: 'step-start';
        /** The step. */
        stepId: string;
        /** The step's `type`: `task`, `decision`, `parallel` or `subgraph`. */
        stepType: string;
      }
    | {
        /** An attempt of a task or subgraph step began. */
        type: 'step-attempt';
        /** The step. */
        stepId: string;
        /** Counts every attempt of the step, from 1; a re-run after a crash repeats the number. */
        attempt: number;
        /** `<runId>:<stepId>`, the same for every attempt (see `TaskContext.idempotencyKey`). */
        idempotencyKey: string;
        /** True when the attempt repeats one that a crash interrupted. */
        repeated?: boolean;
        /** The child run of a subgraph step's attempt (`<runId>/<stepId>/<attempt>`). */
        childRunId?: string;
      }
    | {
        /** A step finished; its output is final and is never computed again. */
        type: 'step-end';
        /** The step. */
        stepId: string;
        /**
         * The step's output (JSON): a task's result, a decision's `{ next, branch }`, or for a
         * skipped step the `data` of the `skip` decision (`null` without it).
         */
        output: unknown;
        /**
         * True when a `skip` decision (a person's or a deadline's) ended the step instead of a run
         * of it.
         */
        skipped?: boolean;
      }
    | {
        /** An attempt (or a decision's evaluation) failed. */
        type: 'step-error';
        /** The step. */
        stepId: string;
        /** The attempt that failed (1 for a decision step). */
        attempt: number;
        /** The failure, serialised. */
        error: AgentryErrorJson;
        /** True when the step failed for good (no retry, no fallback left). */
        final?: boolean;
      }
    | {
        /** Another attempt of the step was scheduled. */
        type: 'step-retry';
        /** The step. */
        stepId: string;
        /** The attempt that runs next. */
        attempt: number;
        /** When it is due, in milliseconds on the runner's clock; survives restarts. */
        dueAt: number;
        /**
         * True when a new round of the retry policy starts (fallback `retry`, or a person's
         * `retry`).
         */
        newRound?: boolean;
      }
    | {
        /**
         * A step waits for a person (fallback `human_intervention`) or for its waiting child run.
         */
        type: 'run-suspend';
        /** The waiting step. */
        stepId: string;
        /**
         * Why it waits: the step's last failure, or an `invalid_transition` error for a waiting
         * child run.
         */
        error: AgentryErrorJson;
        /**
         * When the deadline falls, in milliseconds on the runner's clock: the suspension time plus
         * the `deadlineMs` that applies. Absent when no deadline applies, and for a waiting child run.
         */
        deadlineAt?: number;
        /**
         * The decision taken at the deadline (`abort` unless configured); absent for a waiting
         * child run.
         */
        onDeadline?: ResumeDecision;
        /** The child run that waits, for a subgraph step; the decision is passed on to it. */
        childRunId?: string;
      }
    | {
        /** A waiting step received a decision, or its child run settled. */
        type: 'run-resume';
        /** The step that waited. */
        stepId: string;
        /** The decision, or `child-settled` when the waiting child run ended on its own. */
        decision: ResumeDecision | 'child-settled';
        /** The output given with a `skip` decision (JSON), when any. */
        data?: unknown;
        /** Who decided, as given in `ResumeActor.actor`; `deadline` when the deadline decided. */
        actor?: string;
      }
    | {
        /** The run moved to another version of its workflow definition through a `RunMigration`. */
        type: 'run-migrate';
        /** The definition hash before. */
        from: string;
        /** The definition hash after; the run follows it from here on. */
        to: string;
        /** The run's input after the migration (JSON). */
        input: unknown;
        /** The outputs of the finished steps after the migration, by step id. */
        outputs: Record<string, unknown>;
      }
    | {
        /** The run completed. */
        type: 'run-end';
        /** The run's output: the output of the last step that ran (decisions aside), or `null`. */
        output: unknown;
      }
    | {
        /** The run failed or was cancelled. */
        type: 'run-error';
        /** Why, serialised (`aborted` for a cancel or an `abort` decision). */
        error: AgentryErrorJson;
        /** True when the run was cancelled rather than failed. */
        cancelled?: boolean;
      }
  );

/** A journal entry before its `seq` and `at` are assigned.
 *
 * @example
 * ```ts
 * const entry: NewJournalEntry = { type: 'run-end', output: null };
 * ```
 */
export type NewJournalEntry = JournalEntry extends infer TEntry
  ? TEntry extends JournalEntry
    ? Omit<TEntry, 'seq' | 'at'>
    : never
  : never;
