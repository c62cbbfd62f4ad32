import { createMemoryStore } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { toStepGraph, type WorkflowDefinition } from '../definitions/index.js';
import type { CompiledWorkflow } from './compile-workflow.js';
import { executeFlow } from './execute-run.js';
import { claimLease, isHeld } from './run-lease.js';
import { createRunContext } from './run-context.js';
import { emptyRunState } from './run-state.js';
import { createRunnerCore } from './runner-core.js';
import { StepFailed } from './runner-signals.js';

/** Compiled by hand, without validation: what a definition that slipped past it would run. */
function compileUnchecked(definition: WorkflowDefinition): CompiledWorkflow {
  const graph = toStepGraph(definition);
  const next = new Map<string, string>();
  for (const edge of graph.edges) {
    if (edge.kind === 'next' && !next.has(edge.from)) next.set(edge.from, edge.to);
  }
  return {
    definition,
    hash: 'unchecked',
    graph,
    steps: new Map(definition.steps.map((step) => [step.id, step])),
    next,
  };
}

describe('executeFlow', () => {
  it('fails the run with limit_exceeded naming the loop when the flow comes back to a step', async () => {
    const definition = {
      id: 'loop',
      name: 'loop',
      triggers: [{ type: 'manual' }],
      steps: [
        { id: 'a', name: 'a', type: 'task', configuration: { handler: 'noop' }, inputs: {} },
        {
          id: 'check',
          name: 'check',
          type: 'decision',
          configuration: {
            branches: [{ condition: { op: 'eq', left: 1, right: 1 }, next: 'a' }],
            default: 'a',
          },
        },
      ],
    } as unknown as WorkflowDefinition;
    let calls = 0;
    const core = createRunnerCore({
      store: createMemoryStore(),
      registry: {},
      handlers: { noop: () => (calls += 1) },
    });
    const record = {
      runId: 'run-1',
      workflowId: 'loop',
      definitionHash: 'unchecked',
      input: null,
      status: 'running' as const,
      startedAt: 0,
      updatedAt: 0,
    };
    const lease = await claimLease(core, 'run-1');
    if (isHeld(lease)) throw new Error('The run is held elsewhere.');
    const ctx = createRunContext(
      record,
      compileUnchecked(definition),
      emptyRunState(),
      new AbortController().signal,
      lease,
    );
    const failure = await executeFlow(core, ctx).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StepFailed);
    expect((failure as StepFailed).error).toMatchObject({
      code: 'limit_exceeded',
      recoverable: false,
      details: { workflowId: 'loop', stepId: 'a', loop: ['a', 'check', 'a'], limit: 2 },
    });
    expect((failure as StepFailed).error.message).toContain('a -> check -> a');
    expect(calls).toBe(1);
  });
});
