import { END } from './identifiers.js';

/**
 * The fields of one step that {@link toStepGraph} reads.
 *
 * @example
 * ```ts
 * import { toStepGraph, type StepGraphStep } from '@agentry/workflows';
 *
 * // A draft being edited: fields that are missing or wrong are skipped, so it can still be drawn.
 * const draft: StepGraphStep[] = [{ id: 'fetch', type: 'task' }, { id: 'ship', type: 'task', next: '$end' }, { type: 'task' }];
 * const graph = toStepGraph({ steps: draft });
 * ```
 */
export interface StepGraphStep {
  /** The step id. */
  readonly id?: unknown;
  /** The step type. */
  readonly type?: unknown;
  /** The step's `next`. */
  readonly next?: unknown;
  /** The step's configuration (decision branches, parallel branches). */
  readonly configuration?: unknown;
}

/**
 * The fields of a step the graph reads; unknown values are skipped, so a draft can be drawn.
 *
 * @example
 * ```ts
 * import { toStepGraph, workflow, type StepGraphInput } from '@agentry/workflows';
 *
 * // A validated definition is one, and so is any object with a `steps` array.
 * const input: StepGraphInput = workflow('ship')
 *   .trigger({ type: 'manual' })
 *   .errorHandling({ retryAttempts: 2, backoffStrategy: 'exponential', fallbackAction: 'abort' })
 *   .task('pack', { handler: 'orders.pack' })
 *   .task('send', { handler: 'orders.send' })
 *   .build();
 * console.log(toStepGraph(input).start); // "pack"
 * ```
 */
export interface StepGraphInput {
  /** The steps, in array order. */
  readonly steps: readonly StepGraphStep[];
}

/**
 * An edge of a {@link StepGraph}: `next` (array order or an explicit `next`), `branch` and
 * `default` (out of a decision), `fork` (a parallel step to the first step of a branch) and
 * `join` (the last step of a branch to what follows the parallel step).
 *
 * @example
 * ```ts
 * import { toStepGraph, workflow, type StepEdge } from '@agentry/workflows';
 *
 * const definition = workflow('ship')
 *   .trigger({ type: 'manual' })
 *   .errorHandling({ retryAttempts: 2, backoffStrategy: 'exponential', fallbackAction: 'abort' })
 *   .task('pack', { handler: 'orders.pack' })
 *   .task('send', { handler: 'orders.send' })
 *   .build();
 * const edges: StepEdge[] = toStepGraph(definition).edges;
 * console.log(edges.map((edge) => `${edge.from} -${edge.kind}-> ${edge.to}`));
 * // ["pack -next-> send", "send -next-> $end"]
 * ```
 */
export interface StepEdge {
  /** The step control leaves. */
  from: string;
  /** The step control reaches, or `"$end"`. */
  to: string;
  /** Why the edge exists. */
  kind: 'next' | 'branch' | 'default' | 'fork' | 'join';
  /** For `branch` edges, the branch's index; for `fork` edges, the parallel branch's index. */
  branch?: number;
  /** For `join` edges, the parallel step being joined. */
  parallelId?: string;
  /** Where in the definition the edge comes from, as keys from the root. */
  path: (string | number)[];
}

/**
 * Where a step sits inside a parallel step.
 *
 * @example
 * ```ts
 * import { toStepGraph, type BranchMembership, type WorkflowDefinition } from '@agentry/workflows';
 *
 * declare const definition: WorkflowDefinition;
 * // Which parallel step, and which of its branches, a step runs in.
 * const membership: BranchMembership | undefined = toStepGraph(definition).memberships.get('check-stock');
 * if (membership) console.log(`${membership.parallelId}, branch ${membership.branch}, position ${membership.position}`);
 * ```
 */
export interface BranchMembership {
  /** The parallel step. */
  parallelId: string;
  /** The branch's index in its `branches`. */
  branch: number;
  /** The step's index in the branch's `steps`. */
  position: number;
}

/**
 * The control flow of a workflow as a graph: where a run starts, and every edge control can
 * take. Used by validation, diagrams and the runner.
 *
 * @example
 * ```ts
 * import { toStepGraph, type StepGraph, type WorkflowDefinition } from '@agentry/workflows';
 *
 * declare const definition: WorkflowDefinition;
 * const graph: StepGraph = toStepGraph(definition);
 * // The steps a run can reach first after the start step.
 * const afterStart = graph.edges.filter((edge) => edge.from === graph.start).map((edge) => edge.to);
 * console.log(graph.nodes.length, afterStart);
 * ```
 */
export interface StepGraph {
  /** The first step a run executes, or `"$end"` for a workflow without steps. */
  start: string;
  /** Step ids in array order (the first step of each id, when ids repeat). */
  nodes: string[];
  /** Every edge; edges to steps that do not exist are left out. */
  edges: StepEdge[];
  /** Steps inside parallel branches, by id. */
  memberships: ReadonlyMap<string, BranchMembership>;
  /** The index in `steps` of each id. */
  indexes: ReadonlyMap<string, number>;
}

/**
 * Builds the {@link StepGraph} of a workflow. Control starts at the first step that is not inside a
 * parallel branch; after a step it goes to its `next`, else to the next such step in array order,
 * else to `"$end"`. Inside a branch, steps run in the branch's order and the last one joins the
 * parallel step's successor. A decision leaves by its branches and its default.
 *
 * @example
 * ```ts
 * const graph = toStepGraph(definition);
 * graph.edges.filter((edge) => edge.from === graph.start);
 * ```
 */
export function toStepGraph(definition: StepGraphInput): StepGraph {
  const steps = definition.steps;
  const indexes = new Map<string, number>();
  steps.forEach((step, index) => {
    if (typeof step.id === 'string' && !indexes.has(step.id)) indexes.set(step.id, index);
  });
  const memberships = new Map<string, BranchMembership>();
  const branchLists = new Map<string, string[][]>();
  steps.forEach((step, index) => {
    if (step.type !== 'parallel' || typeof step.id !== 'string' || indexes.get(step.id) !== index)
      return;
    const lists = readBranches(step.configuration);
    branchLists.set(step.id, lists);
    lists.forEach((list, branch) =>
      list.forEach((id, position) => {
        if (!memberships.has(id))
          memberships.set(id, { parallelId: step.id as string, branch, position });
      }),
    );
  });
  const nodes = [...indexes.keys()];
  const mainFlow = nodes.filter((id) => !memberships.has(id));
  // A position lookup keeps building the graph linear in the number of steps.
  const mainFlowPositions = new Map(mainFlow.map((id, position) => [id, position]));

  const successor = (id: string, seen: Set<string>): { to: string; joins?: string } => {
    const membership = memberships.get(id);
    if (membership) {
      const list = branchLists.get(membership.parallelId)?.[membership.branch] ?? [];
      const following = list[membership.position + 1];
      if (following !== undefined) return { to: following };
      if (seen.has(membership.parallelId)) return { to: END, joins: membership.parallelId };
      seen.add(membership.parallelId);
      return { to: successor(membership.parallelId, seen).to, joins: membership.parallelId };
    }
    const step = steps[indexes.get(id) ?? -1];
    if (typeof step?.next === 'string') return { to: step.next };
    const position = mainFlowPositions.get(id) ?? -1;
    return { to: mainFlow[position + 1] ?? END };
  };

  const edges: StepEdge[] = [];
  const add = (edge: StepEdge) => {
    if (edge.to === END || indexes.has(edge.to)) edges.push(edge);
  };
  for (const id of nodes) {
    const index = indexes.get(id) ?? 0;
    const step = steps[index];
    if (step?.type === 'decision') {
      const configuration = asRecord(step.configuration);
      const branches = Array.isArray(configuration.branches)
        ? (configuration.branches as unknown[])
        : [];
      branches.forEach((branch, position) => {
        const next = asRecord(branch).next;
        if (typeof next === 'string') {
          add({
            from: id,
            to: next,
            kind: 'branch',
            branch: position,
            path: ['steps', index, 'configuration', 'branches', position, 'next'],
          });
        }
      });
      if (typeof configuration.default === 'string') {
        add({
          from: id,
          to: configuration.default,
          kind: 'default',
          path: ['steps', index, 'configuration', 'default'],
        });
      }
      continue;
    }
    if (step?.type === 'parallel') {
      (branchLists.get(id) ?? []).forEach((list, branch) => {
        const first = list[0];
        if (first !== undefined) {
          add({
            from: id,
            to: first,
            kind: 'fork',
            branch,
            path: ['steps', index, 'configuration', 'branches', branch, 'steps', 0],
          });
        }
      });
    }
    const { to, joins } = successor(id, new Set());
    const explicit = !memberships.has(id) && typeof step?.next === 'string';
    add(
      joins === undefined
        ? {
            from: id,
            to,
            kind: 'next',
            path: explicit ? ['steps', index, 'next'] : ['steps', index],
          }
        : { from: id, to, kind: 'join', parallelId: joins, path: ['steps', index] },
    );
  }
  return { start: mainFlow[0] ?? END, nodes, edges, memberships, indexes };
}

function readBranches(configuration: unknown): string[][] {
  const branches = asRecord(configuration).branches;
  if (!Array.isArray(branches)) return [];
  return branches.map((branch) => {
    const ids = asRecord(branch).steps;
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  });
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
