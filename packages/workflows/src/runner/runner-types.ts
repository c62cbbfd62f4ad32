import type {
  AgentryErrorJson,
  AuthorizationPrincipal,
  Authorizer,
  BackoffStrategy,
  CircuitState,
  Clock,
  ContextPropagator,
  Logger,
  RetryPolicy,
  StateStore,
} from '@agentry/core';
import type { Observable } from 'rxjs';
import type { ConditionPredicate } from '../definitions/index.js';
import type { WorkflowDefinition } from '../definitions/index.js';
import type {
  RunOrigin,
  StartRunOptions,
  StartedRun,
  WorkflowStarter,
} from '../workflow-starter.js';
import type { DefinedTaskHandler } from '../handlers/define-task-handler.js';
import type { JournalEntry, ResumeDecision } from './journal-entry.js';

export type { RunAgent, RunAgentRequest, TaskContext, TaskHandler } from './task-context.js';
import type { RunAgent, TaskHandler } from './task-context.js';
/** What happens to a run waiting for a person. *
 * @example
 * ```ts
 * const human: HumanInterventionOptions = { deadlineMs: 86_400_000, onDeadline: 'abort' };
 * ```
 */
export interface HumanInterventionOptions {
  /**
   * How long a person has, in milliseconds; without it the run waits until resumed or cancelled.
   */
  deadlineMs?: number;
  /** The decision taken at the deadline (default `abort`). */
  onDeadline?: ResumeDecision;
}

/**
 * A migration of runs from one version of a workflow definition to another, each named by the
 * hash the runner stores on a run (see {@link hashWorkflowDefinition}).
 *
 * @example
 * ```ts
 * const migration: RunMigration = {
 *   workflowId: 'orders', from: oldHash, to: hashWorkflowDefinition(newDefinition),
 *   migrate: (state) => ({ ...state, outputs: { ...state.outputs, fetch: { ...state.outputs.fetch, currency: 'EUR' } } }),
 * };
 * ```
 */
export interface RunMigration {
  /** The workflow. */
  workflowId: string;
  /** The definition hash runs were started with. */
  from: string;
  /** The definition hash they move to. */
  to: string;
  /**
   * Rewrites what the run carries: its input and the outputs of finished steps. Left out, both are
   * kept. Steps of the old definition that the new one lacks are simply never read again.
   */
  migrate?: (state: {
    /** The run's input. */
    input: unknown;
    /** The outputs of the run's finished steps, by step id. */
    outputs: Record<string, unknown>;
  }) => {
    /** The run's new input (JSON; `undefined` is stored as `null`). */
    input: unknown;
    /** The finished steps' new outputs, by step id; each replaces the output of a finished step. */
    outputs: Record<string, unknown>;
  };
}

/** Who resumes a run. *
 * @example
 * ```ts
 * await runner.resume(runId, { decision: 'retry' }, { actor: 'ann', permissions: ['workflows:resume'] });
 * // With an authorizer (from @agentry/security), the principal is what it decides on:
 * await runner.resume(runId, { decision: 'skip' }, { principal: { id: 'ann', roles: ['reviewer'] } });
 * ```
 */
export interface ResumeActor {
  /** Who decides, recorded in the journal (default: the principal's id). */
  actor?: string;
  /**
   * The caller's permissions; without an authorizer they must include the runner's
   * `resumePermission` (or `*`). With an authorizer they are not consulted: it decides.
   */
  permissions?: readonly string[];
  /**
   * Who resumes, for the runner's `authorizer`, which must allow `update` on `runs:<run id>`
   * (with the stored run's attributes: `owner`, the principal that started it, `workflowId` and
   * `status`). Default: a user principal for `actor`. With an authorizer and neither, the resume
   * is refused.
   */
  principal?: AuthorizationPrincipal;
}

/** A person's decision on a waiting run. *
 * @example
 * ```ts
 * const request: ResumeRequest = { decision: 'skip', data: { approved: true } };
 * ```
 */
export interface ResumeRequest {
  /**
   * `retry` runs the step again with a fresh retry budget; `skip` ends it with `data` as its
   * output; `abort` fails the run.
   */
  decision: ResumeDecision;
  /** The step's output for `skip` (JSON; default `null`). */
  data?: unknown;
  /** Which waiting step, when several wait (steps in parallel branches). */
  stepId?: string;
}

/** Where a run stands. *
 * @example
 * ```ts
 * const active = (status: RunStatus) => status === 'running' || status === 'waiting-for-person';
 * ```
 */
export type RunStatus = 'running' | 'waiting-for-person' | 'completed' | 'failed' | 'cancelled';

/**
 * The summary record of a run, kept in the store beside its journal (which stays the truth).
 *
 * @example
 * ```ts
 * const run = await runner.getRun(runId);
 * if (run?.status === 'waiting-for-person') notify(run.waiting);
 * ```
 */
export interface RunRecord {
  /** The run's id. */
  runId: string;
  /** The workflow. */
  workflowId: string;
  /** The hash of the definition the run follows. */
  definitionHash: string;
  /** The run's input. */
  input: unknown;
  /** Where it stands. */
  status: RunStatus;
  /** What started it. */
  origin?: RunOrigin;
  /** The idempotency key it was started with. */
  idempotencyKey?: string;
  /** The user the run serves, when it was started with one (`StartRunOptions.userId`). */
  userId?: string;
  /**
   * The principal the run acts for: the one it was started with (`StartRunOptions.principal`;
   * with an authorizer and none given, a user principal for `userId`), with the kind, roles and
   * attributes it was given. Its agent steps send on its behalf, and a resume is authorized
   * against it as the run's `owner`. Absent for runs started without one, and for runs stored by
   * earlier versions.
   */
  principal?: AuthorizationPrincipal;
  /**
   * The trace context captured when the run started (by the runner's `contextPropagator`); each
   * step executes inside it, in whichever process resumes the run. Absent for runs started
   * without a propagator, and for runs stored by earlier versions.
   */
  traceContext?: Record<string, string>;
  /** The parent run and step, for a subgraph's child run. */
  parent?: {
    /** The parent run. */
    runId: string;
    /** The parent's subgraph step that started this run. */
    stepId: string;
  };
  /**
   * The run's output, once it completed: the output of the last step that ran (decisions aside), or
   * `null`.
   */
  output?: unknown;
  /** Why it failed or was cancelled (`aborted` for a cancel or an `abort` decision). */
  error?: AgentryErrorJson;
  /**
   * The steps waiting for a person, with their deadlines; present only while the status is
   * `waiting-for-person`.
   */
  waiting?: {
    /** The waiting step. */
    stepId: string;
    /**
     * When the deadline falls, in milliseconds on the runner's clock (epoch milliseconds); absent
     * when no `deadlineMs` applies, and for a step whose child run waits (the child has its own).
     */
    deadlineAt?: number;
    /** The decision taken at the deadline; absent for a step whose child run waits. */
    onDeadline?: ResumeDecision;
    /** For a subgraph step, the child run that waits; a decision on this run is passed on to it. */
    childRunId?: string;
    /**
     * Why the step waits: its last failure, or an `invalid_transition` error for a waiting child
     * run.
     */
    error: AgentryErrorJson;
  }[];
  /** When it started, in milliseconds on the runner's clock (epoch milliseconds). */
  startedAt: number;
  /**
   * When the record was last written, in milliseconds on the runner's clock (epoch milliseconds).
   */
  updatedAt: number;
}

/** What {@link WorkflowRunner.recover} did. *
 * @example
 * ```ts
 * const { resumed, waiting, refused } = await runner.recover();
 * ```
 */
export interface RecoverReport {
  /** Runs that execute again. */
  resumed: string[];
  /** Runs waiting for a person whose deadlines are armed again. */
  waiting: string[];
  /**
   * Runs another runner holds (its lease has not expired): they are not executed here now; this
   * runner takes them over by itself if their lease expires.
   */
  held: string[];
  /**
   * Runs that cannot go on, with the error: a changed definition without a migration, or a run
   * record that cannot be read and cannot be rebuilt from the run's journal.
   */
  refused: {
    /** The run (the record's key when no run id can be read from it). */
    runId: string;
    /** The store key of the entry at fault: the run record, or the idempotent start. */
    key: string;
    /**
     * Why it cannot go on: `migration_required` for a changed definition without a migration,
     * the store's error (`internal`) or `validation_failed` for a damaged run record.
     */
    error: AgentryErrorJson;
  }[];
  /**
   * Runs whose record could not be read (changed outside the runner: not JSON, or not a run
   * record) and was rebuilt from the run's journal, then recovered like the others.
   */
  rebuilt: string[];
}

/**
 * An event of a run or step. Events follow the journal: each is emitted after its entry is stored.
 * A `breaker-state` event reports a change of state of a workflow's circuit breaker, made by an
 * attempt of the run and step it names, after the new state is stored (see `breaker`). An
 * `execution-error` event reports an execution that stopped outside its journal (see `error`),
 * so that a failure of a run executing in the background (a recovered one) is never silent.
 *
 * @example
 * ```ts
 * runner.events$.subscribe((event) => console.log(event.type, event.runId, event.stepId));
 * ```
 */
export interface RunEvent {
  /** What happened. */
  type:
    | 'run-start'
    | 'step-start'
    | 'step-attempt'
    | 'step-end'
    | 'step-error'
    | 'step-retry'
    | 'run-suspend'
    | 'run-resume'
    | 'run-end'
    | 'run-error'
    | 'breaker-state'
    | 'execution-error';
  /** The run. */
  runId: string;
  /** The workflow. */
  workflowId: string;
  /** The step, for step events, suspends and resumes. */
  stepId?: string;
  /** The parent run, for a child run. */
  parentRunId?: string;
  /** The user the run serves, when it was started with one. */
  userId?: string;
  /** When, on the runner's clock. */
  at: number;
  /**
   * The journal entry behind the event (absent for a `run-resume` made by recovery, for
   * `breaker-state` and for `execution-error`).
   */
  entry?: JournalEntry;
  /**
   * For `execution-error`: why an execution of the run stopped outside its journal (the store
   * failed, a record could not be written). The run keeps its stored status and journal, and the
   * next `recover()` goes on with it; a `wait()` pending meanwhile rejects with the same error.
   */
  error?: AgentryErrorJson;
  /** For `breaker-state`: the breaker and its change, as stored in the runner's store. */
  breaker?: {
    /** `<workflowId>:<handler>`, or `<workflowId>:agent:<stepId>` for an agent step. */
    name: string;
    /** The state before. */
    from: CircuitState;
    /** The state after. */
    to: CircuitState;
    /** Failures since the last success or since the breaker closed. */
    consecutiveFailures: number;
    /** When it last opened, on the runner's clock (epoch milliseconds). */
    openedAt?: number;
  };
}

/** Options of {@link createWorkflowRunner}. *
 * @example
 * ```ts
 * const options: WorkflowRunnerOptions = { store: createMemoryStore(), registry, handlers: { echo: (input) => input } };
 * ```
 */
export interface WorkflowRunnerOptions {
  /**
   * Where runs are journaled; a durable one (`@agentry/store-sqlite`) makes runs survive restarts.
   */
  store: StateStore;
  /**
   * The workflows the runner can run, by id (a `WorkflowRegistry`'s `workflows`, or the registry).
   */
  registry:
    | {
        /** The workflow definitions, by workflow id. */
        workflows: Record<string, WorkflowDefinition>;
      }
    | Record<string, WorkflowDefinition>;
  /** Task handlers by name. */
  handlers?: Record<string, TaskHandler | DefinedTaskHandler<unknown, unknown>>;
  /** Predicates for `{ op: 'predicate' }` conditions. */
  predicates?: Record<string, ConditionPredicate>;
  /** Runs agent tasks; without it an agent step fails with `plugin_missing`. */
  runAgent?: RunAgent;
  /**
   * Time for retries, timeouts, deadlines and breakers; `now()` must be epoch milliseconds so due
   * times survive restarts.
   */
  clock?: Clock;
  /** Random numbers for retry jitter (default `Math.random`). */
  random?: () => number;
  /** Makes run ids (default `crypto.randomUUID()`). */
  generateId?: () => string;
  /** Delays and timeouts for steps without their own (the `workflows.defaults` section). */
  defaults?: {
    /**
     * Retry delays for steps without a policy (its `maxAttempts` is replaced by `retryAttempts + 1`);
     * default `{ baseDelay: 1_000, maxDelay: 30_000, jitter: true }`.
     */
    retryPolicy?: RetryPolicy;
    /** Backoff when a workflow says none. */
    backoffStrategy?: BackoffStrategy;
    /** Per-attempt timeout, ms, for steps without one. */
    stepTimeout?: number;
  };
  /**
   * Deadlines for runs waiting for a person (default: no deadline), with `overrides` per workflow
   * or step.
   */
  humanIntervention?: HumanInterventionOptions & {
    /**
     * Options by `"<workflowId>"` or `"<workflowId>.<stepId>"`; a step's entry overrides its
     * workflow's, which overrides the top-level `deadlineMs` and `onDeadline`, field by field.
     */
    overrides?: Record<string, HumanInterventionOptions>;
  };
  /**
   * How many extra rounds of the retry policy the `retry` fallback may start for one step; once
   * they are spent the step fails for good, and so does the run (default: unlimited). A person's
   * `retry` decision does not count as a round.
   */
  maxFallbackRounds?: number;
  /** The permission a caller of `resume` needs (default `workflows:resume`). */
  resumePermission?: string;
  /** Migrations for runs whose workflow definition changed. */
  migrations?: RunMigration[];
  /**
   * Who this runner is when it claims runs (default: a random UUID per runner). Each live runner
   * sharing a store needs its own; a process restarted with the same `workerId` takes its runs
   * back at once instead of waiting for their leases to expire.
   */
  workerId?: string;
  /**
   * How long a run this runner claimed stays its own without a renewal, in milliseconds (default
   * 30 000). The lease is renewed every third of it while the run executes; after a crash, another
   * runner takes the run over once it expires. The clocks of runners sharing a store must agree
   * to well within a third of it.
   */
  leaseMs?: number;
  /**
   * The longest pause, in milliseconds, between two reads of a run record while `wait()` waits
   * for a run executing in another process (default 1 000; the pauses start at 10 ms and double).
   */
  waitPollMs?: number;
  /**
   * Where the runner and task handlers log (`TaskContext.logger` is a child of it); default: core's
   * `createConsoleLogger()`, which writes warnings and errors to `console.error`.
   */
  logger?: Logger;
  /**
   * Carries the caller's trace context into the run: captured when a run starts, stored with the
   * run record, and each step executes inside it, also after a resume in another process. Without
   * one, runs carry no context and steps pay nothing for it.
   */
  contextPropagator?: ContextPropagator;
  /**
   * Decides who may start and resume runs (`services.authorizer`, from `@agentry/security`):
   * `create` on `workflows:<workflow id>` for each start (operation `workflow.start`), `update` on
   * `runs:<run id>` for each resume (operation `workflow.resume`). A denial throws
   * `permission_denied` and changes nothing. Without one, nothing is asked and nothing refused
   * (a resume needs `resumePermission` instead).
   */
  authorizer?: Authorizer;
}

/** What {@link WorkflowRunner.run} resolves to. *
 * @example
 * ```ts
 * const { status, output, error }: RunResult = await runner.run('greet', { name: 'Ada' });
 * ```
 */
export type RunResult = RunRecord;

/**
 * A durable workflow runner: starts runs, journals every step, resumes after a crash.
 *
 * @example
 * ```ts
 * const result = await runner.run('order-review', { orderId: 'A-7' });
 * result.status; // 'completed'
 * ```
 */
export interface WorkflowRunner extends WorkflowStarter {
  /** Starts a run (durably journaled) and lets it execute in the background. */
  start(workflowId: string, input: unknown, options?: StartRunOptions): Promise<StartedRun>;
  /** Starts a run and waits until it ends or waits for a person. */
  run(workflowId: string, input: unknown, options?: StartRunOptions): Promise<RunResult>;
  /**
   * Waits until a run ends or waits for a person, whichever runner or process executes it, and
   * returns its record. A run executing in this runner settles as soon as its execution does;
   * otherwise the run record is read from the store, first after 10 ms, then at doubling
   * intervals up to `waitPollMs`, so the answer comes at most `waitPollMs` after the record
   * changed. Once this runner is closed, it returns the record as it is.
   */
  wait(runId: string): Promise<RunResult>;
  /**
   * Resumes every unfinished run from its journal, except runs another runner holds a lease on
   * (listed under `held`, and taken over here if that lease expires).
   */
  recover(): Promise<RecoverReport>;
  /** Records a person's decision on a waiting run and lets it go on. */
  resume(runId: string, request: ResumeRequest, actor?: ResumeActor): Promise<RunResult>;
  /**
   * Cancels a run (and its child runs): a queued run never runs; a run executing here is aborted
   * at once; a run another runner executes is claimed from it (that runner stops at its next
   * lease renewal). Returns the cancelled record, or the record of a run that had already ended.
   */
  cancel(runId: string): Promise<RunResult>;
  /** The record of a run. */
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Every run record, optionally of one workflow or status. */
  listRuns(filter?: { workflowId?: string; status?: RunStatus }): Promise<RunRecord[]>;
  /** A run's journal, in order. */
  journal(runId: string): Promise<JournalEntry[]>;
  /** Run and step events. */
  readonly events$: Observable<RunEvent>;
  /**
   * Stops executing (runs stay recoverable), releases the leases of the runs it executed (so other
   * runners may take them at once), clears timers and completes `events$`. The store stays open.
   */
  close(): Promise<void>;
}
