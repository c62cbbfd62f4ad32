import { AgentryError } from '@agentry/core';
import { append } from './run-journal.js';
import type { RunContext } from './run-context.js';
import type { RunState } from './run-state.js';
import { findWorkflow, type RunnerCore } from './runner-core.js';
import type { RunMigration, RunRecord } from './runner-types.js';

/** The registered migrations that lead from one definition hash to another, or none. */
function migrationPath(
  core: RunnerCore,
  workflowId: string,
  from: string,
  to: string,
): RunMigration[] {
  const path: RunMigration[] = [];
  let at = from;
  const seen = new Set<string>();
  while (at !== to) {
    if (seen.has(at)) return [];
    seen.add(at);
    const step = core.migrations.find((m) => m.workflowId === workflowId && m.from === at);
    if (!step) return [];
    path.push(step);
    at = step.to;
  }
  return path;
}

/**
 * Checks that a run can go on with the workflow registered now: the definition it started with,
 * or one that registered migrations lead to.
 *
 * @internal
 * @throws AgentryError `migration_required` when the definition changed without a migration path;
 *   `not_found` when the workflow is not registered
 */
export function assertDefinitionUsable(core: RunnerCore, record: RunRecord, state: RunState): void {
  const current = findWorkflow(core, record.workflowId).hash;
  const stored = state.definitionHash || record.definitionHash;
  if (stored === current) return;
  if (migrationPath(core, record.workflowId, stored, current).length > 0) return;
  throw new AgentryError({
    code: 'migration_required',
    message: `The workflow "${record.workflowId}" changed after run "${record.runId}" started (definition ${stored.slice(0, 12)}… is now ${current.slice(0, 12)}…), and no migration between them is registered, so the run is not resumed.`,
    details: { runId: record.runId, workflowId: record.workflowId, from: stored, to: current },
    suggestions: [
      `Register a migration { workflowId: "${record.workflowId}", from: "${stored}", to: "${current}" } with the runner,`,
      'or resume the run with the definition it started with.',
    ],
  });
}

/** Journals the migrations that bring the run to the registered definition. @internal */
export async function applyMigrations(core: RunnerCore, ctx: RunContext): Promise<void> {
  if (ctx.state.definitionHash === ctx.workflow.hash) return;
  for (const migration of migrationPath(
    core,
    ctx.workflowId,
    ctx.state.definitionHash,
    ctx.workflow.hash,
  )) {
    const outputs: Record<string, unknown> = {};
    for (const [stepId, step] of ctx.state.steps) if (step.ended) outputs[stepId] = step.output;
    const migrated = migration.migrate
      ? migration.migrate({ input: ctx.state.input, outputs })
      : { input: ctx.state.input, outputs };
    await append(core, ctx, {
      type: 'run-migrate',
      from: migration.from,
      to: migration.to,
      input: migrated.input ?? null,
      outputs: migrated.outputs,
    });
  }
}
