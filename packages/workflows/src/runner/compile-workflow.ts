import {
  END,
  toStepGraph,
  type StepGraph,
  type WorkflowDefinition,
  type WorkflowStep,
} from '../definitions/index.js';
import { hashWorkflowDefinition } from './hash-workflow-definition.js';

/**
 * A workflow definition as the runner executes it: a private copy, its hash and the lookups every
 * step needs, built once instead of on every run or step.
 *
 * @internal
 */
export interface CompiledWorkflow {
  /** The runner's own copy of the definition, so the hash always describes what runs. */
  definition: WorkflowDefinition;
  /** {@link hashWorkflowDefinition} of `definition`. */
  hash: string;
  graph: StepGraph;
  steps: ReadonlyMap<string, WorkflowStep>;
  /** The step after each step in its flow (its `next` edge); absent means the run ends. */
  next: ReadonlyMap<string, string>;
}

const compiled = new WeakMap<WorkflowDefinition, CompiledWorkflow>();

/**
 * Compiles a registered definition, once per definition object. The copy is taken then, so a
 * definition object changed in place afterwards does not change what this process runs, and the
 * hash journaled with a run always matches the steps it executes.
 *
 * @internal
 */
export function compileWorkflow(definition: WorkflowDefinition): CompiledWorkflow {
  let result = compiled.get(definition);
  if (result) return result;
  const copy = JSON.parse(JSON.stringify(definition)) as WorkflowDefinition;
  const graph = toStepGraph(copy);
  const next = new Map<string, string>();
  for (const edge of graph.edges) {
    if (edge.kind === 'next' && !next.has(edge.from) && edge.to !== END)
      next.set(edge.from, edge.to);
  }
  result = {
    definition: copy,
    hash: hashWorkflowDefinition(copy),
    graph,
    steps: new Map(copy.steps.map((step) => [step.id, step])),
    next,
  };
  compiled.set(definition, result);
  return result;
}
