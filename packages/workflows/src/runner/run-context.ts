import type { AuthorizationPrincipal } from '@agentry/core';
import type { CompiledWorkflow } from './compile-workflow.js';
import type { JournalEntry } from './journal-entry.js';
import type { RunLease } from './run-lease.js';
import { journalPrefix } from './run-store.js';
import type { RunState } from './run-state.js';
import type { RunRecord } from './runner-types.js';

/** An execution of one run in this process. @internal */
export interface RunContext {
  runId: string;
  workflowId: string;
  workflow: CompiledWorkflow;
  state: RunState;
  signal: AbortSignal;
  /** The outputs of the steps met so far in this execution, by step id, for references. */
  outputs: Record<string, unknown>;
  parentRunId?: string;
  /** The user the run serves, for its events. */
  userId?: string;
  /** The principal the run acts for: its agent steps send on its behalf. */
  principal?: AuthorizationPrincipal;
  /** The carrier steps execute in (see `WorkflowRunnerOptions.contextPropagator`). */
  traceContext?: Record<string, string>;
  /** The store key prefix of the run's journal entries, built once per run rather than per entry. */
  journalPrefix: string;
  /** Entries decided but not yet written; the next journal write carries them (see `flush`). */
  staged: JournalEntry[];
  /** Settles when every journal write issued so far has; `undefined` when none is in flight. */
  writing: Promise<unknown> | undefined;
  /** The run's lease, held by this execution: every journal write checks it and carries its token. */
  lease: RunLease;
  /** Parallel steps whose branches are running; while above 0, branches group their writes. */
  branching: number;
  /** The grouped write that entries staged now join, once a branch has asked for one. */
  grouped: Promise<void> | undefined;
}

/** The context of a run of `workflow` whose record and folded journal were read. @internal */
export function createRunContext(
  record: RunRecord,
  workflow: CompiledWorkflow,
  state: RunState,
  signal: AbortSignal,
  lease: RunLease,
): RunContext {
  return {
    runId: record.runId,
    workflowId: record.workflowId,
    workflow,
    state,
    signal,
    outputs: {},
    ...(record.parent ? { parentRunId: record.parent.runId } : {}),
    ...(record.userId === undefined ? {} : { userId: record.userId }),
    ...(record.principal === undefined ? {} : { principal: record.principal }),
    ...(record.traceContext === undefined ? {} : { traceContext: record.traceContext }),
    journalPrefix: journalPrefix(record.runId),
    staged: [],
    writing: undefined,
    lease,
    branching: 0,
    grouped: undefined,
  };
}
