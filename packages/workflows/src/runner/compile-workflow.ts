import { AgentryError } from '@agentry/core';
import {
  END,
  assertValidWorkflow,
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

// A definition that fails validation is kept with its error, so it is not validated again.
const compiled = new WeakMap<WorkflowDefinition, CompiledWorkflow | AgentryError>();

/**
 * Validates and compiles a registered definition, once per definition object. Every definition
 * the runner executes passes here, so none is run unvalidated, whether it came through a
 * `WorkflowRegistry` (validated when registered) or as a plain object: a cycle, a reference to a
 * missing step or a malformed step is refused before any run starts. The copy is taken then, so a
 * definition object changed in place afterwards does not change what this process runs, and the
 * hash journaled with a run always matches the steps it executes.
 *
 * @internal
 * @throws AgentryError `validation_failed` listing every problem when the definition is not valid
 */
export function compileWorkflow(definition: WorkflowDefinition): CompiledWorkflow {
  const known = compiled.get(definition);
  if (AgentryError.isInstance(known)) throw known;
  if (known) return known;
  const copy = JSON.parse(JSON.stringify(definition)) as WorkflowDefinition;
  try {
    // The copy is hashed and run as given (not with defaults filled in), so that hashes stay
    // those of runs started before validation moved here.
    assertValidWorkflow(copy);
  } catch (error) {
    if (AgentryError.isInstance(error)) compiled.set(definition, error);
    throw error;
  }
  const graph = toStepGraph(copy);
  const next = new Map<string, string>();
  for (const edge of graph.edges) {
    if (edge.kind === 'next' && !next.has(edge.from) && edge.to !== END)
      next.set(edge.from, edge.to);
  }
  const result: CompiledWorkflow = {
    definition: copy,
    hash: hashWorkflowDefinition(copy),
    graph,
    steps: new Map(copy.steps.map((step) => [step.id, step])),
    next,
  };
  compiled.set(definition, result);
  return result;
}
