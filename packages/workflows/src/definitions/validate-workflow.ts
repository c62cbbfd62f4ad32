import { AgentryError, formatPath } from '@agentry/core';
import type { z } from 'zod';
import { didYouMean } from './closest-match.js';
import { END } from './identifiers.js';
import { toStepGraph, type StepGraph } from './step-graph.js';
import { forEachReference, parseReferencePath } from './value-reference.js';
import {
  isTrivialWorkflow,
  workflowDefinitionSchema,
  type WorkflowDefinition,
} from './workflow-definition.js';
import type { WorkflowProblem, WorkflowProblemCode } from './workflow-problem.js';

/**
 * Other workflows by id, as validation reads them (a `WorkflowRegistry` fits).
 *
 * @example
 * ```ts
 * import { validateWorkflow, type WorkflowLookup, type WorkflowRegistry } from '@agentry/workflows';
 *
 * declare const registry: WorkflowRegistry;
 * declare const draft: unknown;
 * // A registry is one: subgraph steps of the draft must name one of its workflows.
 * const lookup: WorkflowLookup = registry;
 * const { valid, problems } = validateWorkflow(draft, { registry: lookup });
 * ```
 */
export interface WorkflowLookup {
  /** Workflows by id; only their steps are read, to follow subgraphs. */
  readonly workflows: Readonly<Record<string, WorkflowSteps>>;
}

/**
 * The part of a workflow that subgraph checks read.
 *
 * @example
 * ```ts
 * import { validateWorkflow, type WorkflowSteps } from '@agentry/workflows';
 *
 * // Only the steps of other workflows are read: enough to find recursion through subgraphs.
 * const shipping: WorkflowSteps = { steps: [{ id: 'ship', type: 'task', name: 'Ship', configuration: { handler: 'orders.ship' } }] };
 * declare const orderDefinition: unknown;
 * validateWorkflow(orderDefinition, { registry: { workflows: { shipping } } });
 * ```
 */
export interface WorkflowSteps {
  /** The workflow's steps. */
  readonly steps: readonly unknown[];
}

/**
 * What {@link validateWorkflow} checks against, beyond the definition itself.
 *
 * @example
 * ```ts
 * import { validateWorkflow, type ValidateWorkflowOptions } from '@agentry/workflows';
 *
 * declare const draft: unknown;
 * // Also check that every handler and predicate the workflow names is one the runner has.
 * const options: ValidateWorkflowOptions = { handlers: ['orders.fetch', 'orders.ship'], predicates: ['isWeekend'] };
 * const result = validateWorkflow(draft, options);
 * ```
 */
export interface ValidateWorkflowOptions {
  /**
   * Other workflows by id. When given, a subgraph must name one of them (or the workflow itself,
   * which is refused as recursion), and recursion through them is found.
   */
  registry?: WorkflowLookup;
  /** Names of registered task handlers. When given, a task's `handler` must be one of them. */
  handlers?: Iterable<string>;
  /** Names of registered predicates. When given, every `predicate` condition must name one. */
  predicates?: Iterable<string>;
}

/**
 * What {@link validateWorkflow} returns.
 *
 * @example
 * ```ts
 * import { validateWorkflow, type WorkflowValidationResult } from '@agentry/workflows';
 *
 * declare const draft: unknown;
 * const result: WorkflowValidationResult = validateWorkflow(draft);
 * if (result.valid) console.log(result.definition?.steps.length, 'steps');
 * else for (const problem of result.problems) console.error(`${problem.path}: ${problem.message} (${problem.code})`);
 * ```
 */
export interface WorkflowValidationResult {
  /** Whether the definition has no problem. */
  valid: boolean;
  /** Every problem found, each with its path and code; empty when valid. */
  problems: WorkflowProblem[];
  /** The definition with defaults filled in, when valid. */
  definition?: WorkflowDefinition;
}

type Segments = (string | number)[];
type RawRecord = Record<string, unknown>;

/**
 * Checks a workflow definition against the specification's rules and reports every problem at
 * once, each with a path and a {@link WorkflowProblemCode}:
 *
 * - the shape of every part ({@link workflowDefinitionSchema}), including trigger configurations:
 *   a cron expression checked by `croner` and an IANA time zone, an event source, a webhook path
 *   and secret name (never a secret inline) and body limit, a manual input schema;
 * - ids present, well formed and unique; valid step types;
 * - references to steps exist, in `$ref`s, `next`s, decision targets and parallel branches;
 * - a `$ref` reads only steps that come before the reader on every path to it (its ancestors);
 * - no cycles (named, `a -> b -> a`), no unreachable steps, no recursive subgraphs;
 * - at least one step and one trigger;
 * - `errorHandling` on every non-trivial workflow ({@link isTrivialWorkflow}).
 *
 * @param definition - the definition, as parsed JSON or a literal; it is not changed
 * @param options - other workflows, handler and predicate names to check names against
 * @returns whether it is valid, the problems, and the parsed definition when valid
 * @example
 * ```ts
 * const result = validateWorkflow(JSON.parse(text), { handlers: ['orders.fetch'] });
 * for (const problem of result.problems) console.log(`${problem.path}: ${problem.message}`);
 * ```
 */
export function validateWorkflow(
  definition: unknown,
  options: ValidateWorkflowOptions = {},
): WorkflowValidationResult {
  const problems: WorkflowProblem[] = [];
  const report = (
    code: WorkflowProblemCode,
    segments: Segments,
    message: string,
    suggestion?: string,
  ) => {
    const path = formatPath(segments);
    if (problems.some((problem) => problem.code === code && problem.path === path)) return;
    problems.push(
      suggestion === undefined
        ? { code, path, segments, message }
        : { code, path, segments, message, suggestion },
    );
  };

  if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) {
    report(
      'invalid_field',
      [],
      'A workflow definition must be an object.',
      'Pass the definition object, parsed from JSON.',
    );
    return { valid: false, problems };
  }
  const raw = definition as RawRecord;
  const parsed = workflowDefinitionSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.path.length === 1 && issue.path[0] === 'triggers' && raw.triggers === undefined)
        continue;
      const segments = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
      report(issueCode(issue, segments), segments, issue.message);
    }
  }
  checkSemantics(raw, options, report);
  if (problems.length > 0) return { valid: false, problems };
  return { valid: true, problems, definition: parsed.data };
}

/**
 * Validates a workflow definition and returns it with defaults filled in.
 *
 * @param definition - the definition, as parsed JSON or a literal
 * @param options - other workflows, handler and predicate names to check names against
 * @returns the parsed definition
 * @throws AgentryError `validation_failed` listing every problem in `details.problems`
 *   (see {@link validateWorkflow})
 * @example
 * ```ts
 * const definition = assertValidWorkflow(JSON.parse(await readFile('order-review.json', 'utf8')));
 * ```
 */
export function assertValidWorkflow(
  definition: unknown,
  options: ValidateWorkflowOptions = {},
): WorkflowDefinition {
  const result = validateWorkflow(definition, options);
  if (result.valid && result.definition) return result.definition;
  const id =
    typeof definition === 'object' &&
    definition !== null &&
    typeof (definition as RawRecord).id === 'string'
      ? `"${(definition as RawRecord).id as string}"`
      : '(without an id)';
  const count = result.problems.length;
  const listed = result.problems
    .slice(0, 3)
    .map((problem) => `${problem.path}: ${problem.message}`)
    .join(' ');
  throw new AgentryError({
    code: 'validation_failed',
    message: `The workflow ${id} has ${count} problem${count === 1 ? '' : 's'}: ${listed}${count > 3 ? ` … and ${count - 3} more (see details.problems).` : ''}`,
    details: { workflowId: (definition as RawRecord | null)?.id, problems: result.problems },
    suggestions: [
      ...new Set(
        result.problems
          .map((problem) => problem.suggestion)
          .filter((text): text is string => text !== undefined),
      ),
    ].slice(0, 5),
  });
}

function issueCode(issue: z.core.$ZodIssue, segments: Segments): WorkflowProblemCode {
  const custom = (issue as { params?: { code?: unknown } }).params?.code;
  if (typeof custom === 'string') return custom as WorkflowProblemCode;
  const discriminator = (issue as { discriminator?: unknown }).discriminator;
  if (issue.code === 'invalid_union' && discriminator === 'type') {
    return segments[0] === 'triggers' ? 'invalid_trigger_type' : 'invalid_step_type';
  }
  if (issue.code === 'invalid_union' && discriminator === 'op') return 'invalid_condition';
  const last = segments[segments.length - 1];
  if (
    last === 'id' &&
    (segments.length === 1 || (segments[0] === 'steps' && segments.length === 3))
  ) {
    return 'invalid_id';
  }
  return 'invalid_field';
}

type Report = (
  code: WorkflowProblemCode,
  segments: Segments,
  message: string,
  suggestion?: string,
) => void;

function checkSemantics(raw: RawRecord, options: ValidateWorkflowOptions, report: Report): void {
  const steps = Array.isArray(raw.steps) ? (raw.steps as unknown[]).map(asRecord) : undefined;
  const triggers = raw.triggers;
  if (triggers === undefined || (Array.isArray(triggers) && triggers.length === 0)) {
    report(
      'no_triggers',
      ['triggers'],
      'A workflow needs at least one trigger.',
      'Add a trigger, such as { "type": "manual" }.',
    );
  }
  if (Array.isArray(triggers)) checkTriggers(triggers.map(asRecord), options, report);
  if (!steps) return;
  if (steps.length === 0) {
    report('no_steps', ['steps'], 'A workflow needs at least one step.', 'Add a step.');
    return;
  }

  const firstIndex = new Map<string, number>();
  steps.forEach((step, index) => {
    if (typeof step.id !== 'string') return;
    const first = firstIndex.get(step.id);
    if (first === undefined) firstIndex.set(step.id, index);
    else
      report(
        'duplicate_step_id',
        ['steps', index, 'id'],
        `The step id "${step.id}" is already used by steps[${first}].`,
        'Give every step its own id.',
      );
  });
  const graph = toStepGraph({ steps });

  checkBranches(steps, graph, report);
  checkTargets(steps, graph, report);
  const descendants = computeDescendants(graph);
  const reachable =
    graph.start === END
      ? new Set<string>()
      : new Set([graph.start, ...(descendants.get(graph.start) ?? [])]);
  checkReferences(steps, firstIndex, descendants, reachable, report);
  checkStepDetails(raw, steps, options, report);
  checkCycles(graph, report);
  checkReachability(graph, report);

  if (!isTrivialWorkflow({ steps }) && raw.errorHandling === undefined) {
    report(
      'missing_error_handling',
      ['errorHandling'],
      `The workflow has ${steps.length} step${steps.length === 1 ? '' : 's'}${steps.length === 1 ? ' that is not a plain handler task' : ''}, so it needs an errorHandling strategy.`,
      'Add errorHandling, such as { "retryAttempts": 2, "backoffStrategy": "exponential", "fallbackAction": "abort" }.',
    );
  }
}

function checkBranches(steps: RawRecord[], graph: StepGraph, report: Report): void {
  const seen = new Map<string, string>();
  steps.forEach((step, index) => {
    if (step.type !== 'parallel') return;
    const branches = asArray(asRecord(step.configuration).branches);
    branches.forEach((branch, branchIndex) => {
      asArray(asRecord(branch).steps).forEach((id, position) => {
        if (typeof id !== 'string') return;
        const at: Segments = [
          'steps',
          index,
          'configuration',
          'branches',
          branchIndex,
          'steps',
          position,
        ];
        if (!graph.indexes.has(id)) {
          report(
            'unknown_step',
            at,
            `The parallel step "${String(step.id)}" lists "${id}", which is not a step.`,
            didYouMean(id, graph.nodes, 'List the id of a step of this workflow.'),
          );
          return;
        }
        const where = `${String(step.id)}.branches[${branchIndex}]`;
        const earlier = seen.get(id);
        if (earlier !== undefined) {
          report(
            'step_in_multiple_branches',
            at,
            `The step "${id}" is listed in ${earlier} and again in ${where}.`,
            'List each step in one branch only; copy the step under a new id if it must run twice.',
          );
          return;
        }
        seen.set(id, where);
        const memberIndex = graph.indexes.get(id) ?? 0;
        const member = steps[memberIndex] ?? {};
        if (member.type === 'decision') {
          report(
            'invalid_branch_step',
            at,
            `The decision "${id}" cannot be inside a parallel branch.`,
            'Move the decision out of the branch, or run the branch as a subgraph workflow.',
          );
        }
        if (member.next !== undefined) {
          report(
            'invalid_branch_step',
            ['steps', memberIndex, 'next'],
            `The step "${id}" is inside a parallel branch, so it cannot have a next; branch steps run in the branch's order.`,
            'Remove next, and order the steps in the branch instead.',
          );
        }
      });
    });
  });
}

function checkTargets(steps: RawRecord[], graph: StepGraph, report: Report): void {
  const check = (target: unknown, at: Segments, owner: string, what: string) => {
    if (typeof target !== 'string' || target === END) return;
    if (!graph.indexes.has(target)) {
      report(
        'unknown_step',
        at,
        `${what} of "${owner}" is "${target}", which is not a step.`,
        didYouMean(target, graph.nodes, 'Use the id of a step of this workflow, or "$end".'),
      );
      return;
    }
    const membership = graph.memberships.get(target);
    if (membership && !graph.memberships.has(owner)) {
      report(
        'invalid_next_target',
        at,
        `${what} of "${owner}" jumps to "${target}", which is inside a branch of the parallel step "${membership.parallelId}".`,
        `Go to "${membership.parallelId}" instead; it runs its branches.`,
      );
    }
  };
  steps.forEach((step, index) => {
    const id = String(step.id);
    if (step.type === 'decision') {
      const configuration = asRecord(step.configuration);
      asArray(configuration.branches).forEach((branch, branchIndex) =>
        check(
          asRecord(branch).next,
          ['steps', index, 'configuration', 'branches', branchIndex, 'next'],
          id,
          `Branch ${branchIndex} of the decision`,
        ),
      );
      check(configuration.default, ['steps', index, 'configuration', 'default'], id, 'The default');
      return;
    }
    check(step.next, ['steps', index, 'next'], id, 'The next step');
  });
}

function computeDescendants(graph: StepGraph): Map<string, Set<string>> {
  const successors = new Map<string, string[]>();
  for (const edge of graph.edges) {
    if (edge.to === END) continue;
    successors.set(edge.from, [...(successors.get(edge.from) ?? []), edge.to]);
  }
  const result = new Map<string, Set<string>>();
  for (const id of graph.nodes) {
    const reached = new Set<string>();
    const stack = [...(successors.get(id) ?? [])];
    while (stack.length > 0) {
      const next = stack.pop() as string;
      if (reached.has(next)) continue;
      reached.add(next);
      stack.push(...(successors.get(next) ?? []));
    }
    result.set(id, reached);
  }
  return result;
}

function checkReferences(
  steps: RawRecord[],
  firstIndex: ReadonlyMap<string, number>,
  descendants: ReadonlyMap<string, Set<string>>,
  reachable: ReadonlySet<string>,
  report: Report,
): void {
  steps.forEach((step, index) => {
    // An unreachable step is reported as such; what it reads does not matter until it is reached.
    if (typeof step.id !== 'string' || !reachable.has(step.id)) return;
    const reader = step.id;
    for (const field of ['inputs', 'configuration'] as const) {
      forEachReference(step[field], (reference, keys) => {
        const at: Segments = ['steps', index, field, ...keys];
        const parsed = parseReferencePath(reference.$ref);
        if (typeof parsed === 'string') {
          report(
            'invalid_reference',
            at,
            parsed,
            'Write references as "input.<key>…" or "steps.<id>.output.<key>…".',
          );
          return;
        }
        if (parsed.root !== 'step') return;
        if (!firstIndex.has(parsed.stepId)) {
          report(
            'unknown_step',
            at,
            `The step "${reader}" reads "${reference.$ref}", but there is no step "${parsed.stepId}".`,
            didYouMean(parsed.stepId, firstIndex.keys(), 'Reference a step of this workflow.'),
          );
          return;
        }
        if (parsed.stepId === reader || !descendants.get(parsed.stepId)?.has(reader)) {
          report(
            'reference_not_ancestor',
            at,
            `The step "${reader}" reads "${reference.$ref}", but "${parsed.stepId}" does not run before "${reader}".`,
            `Read only steps that run before "${reader}" on the way to it.`,
          );
        }
      });
    }
  });
}

function checkStepDetails(
  raw: RawRecord,
  steps: RawRecord[],
  options: ValidateWorkflowOptions,
  report: Report,
): void {
  const handlers = options.handlers ? new Set(options.handlers) : undefined;
  const predicates = options.predicates ? new Set(options.predicates) : undefined;
  steps.forEach((step, index) => {
    const configuration = asRecord(step.configuration);
    const id = String(step.id);
    if (step.type === 'task') {
      const handler = configuration.handler;
      if (handlers && typeof handler === 'string' && !handlers.has(handler)) {
        report(
          'unknown_handler',
          ['steps', index, 'configuration', 'handler'],
          `The step "${id}" calls the handler "${handler}", which is not registered.`,
          didYouMean(handler, handlers, `Register a handler named "${handler}" with the runner.`),
        );
      }
      const prompt = asRecord(configuration.agent).prompt;
      if (typeof prompt === 'string') {
        const inputs = asRecord(step.inputs);
        for (const match of prompt.matchAll(/\{\{\s*([^{}\s]+)\s*\}\}/g)) {
          const name = match[1] ?? '';
          if (!Object.hasOwn(inputs, name)) {
            report(
              'unknown_prompt_input',
              ['steps', index, 'configuration', 'agent', 'prompt'],
              `The prompt of "${id}" uses {{${name}}}, but the step has no input "${name}".`,
              `Add "${name}" to the step's inputs, for example { "$ref": "input.${name}" }.`,
            );
          }
        }
      }
    }
    if (step.type === 'decision' && predicates) {
      checkPredicates(step.configuration, ['steps', index, 'configuration'], predicates, report);
    }
    if (step.type === 'subgraph') {
      if (Object.keys(asRecord(step.inputs)).length > 0) {
        report(
          'unused_inputs',
          ['steps', index, 'inputs'],
          `The subgraph step "${id}" has inputs; a subgraph's data goes in configuration.inputMapping.`,
          'Move the inputs to configuration.inputMapping.',
        );
      }
      checkSubgraph(
        raw,
        configuration.workflowId,
        ['steps', index, 'configuration', 'workflowId'],
        options,
        report,
      );
    }
  });
}

function checkSubgraph(
  raw: RawRecord,
  workflowId: unknown,
  at: Segments,
  options: ValidateWorkflowOptions,
  report: Report,
): void {
  if (typeof workflowId !== 'string') return;
  const self = raw.id;
  if (workflowId === self) {
    report(
      'recursive_subgraph',
      at,
      `The workflow "${self}" runs itself as a subgraph: ${self} -> ${self}.`,
      'Loop with a decision instead, or split the workflow.',
    );
    return;
  }
  const workflows = options.registry?.workflows;
  if (!workflows) return;
  if (!Object.hasOwn(workflows, workflowId)) {
    report(
      'unknown_workflow',
      at,
      `The subgraph runs the workflow "${workflowId}", which is not registered.`,
      didYouMean(
        workflowId,
        Object.keys(workflows),
        `Register the workflow "${workflowId}" first.`,
      ),
    );
    return;
  }
  const chain = findSubgraphChain(
    workflowId,
    String(self),
    workflows,
    [String(self), workflowId],
    new Set(),
  );
  if (chain) {
    report(
      'recursive_subgraph',
      at,
      `The subgraph "${workflowId}" comes back to this workflow: ${chain.join(' -> ')}.`,
      'Break the loop between these workflows.',
    );
  }
}

function findSubgraphChain(
  current: string,
  target: string,
  workflows: Readonly<Record<string, WorkflowSteps>>,
  chain: string[],
  visited: Set<string>,
): string[] | undefined {
  if (visited.has(current)) return undefined;
  visited.add(current);
  const definition = Object.hasOwn(workflows, current) ? workflows[current] : undefined;
  for (const step of definition?.steps ?? []) {
    const record = asRecord(step);
    if (record.type !== 'subgraph') continue;
    const child = asRecord(record.configuration).workflowId;
    if (typeof child !== 'string') continue;
    if (child === target) return [...chain, target];
    const found = findSubgraphChain(child, target, workflows, [...chain, child], visited);
    if (found) return found;
  }
  return undefined;
}

function checkPredicates(
  value: unknown,
  at: Segments,
  predicates: ReadonlySet<string>,
  report: Report,
): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkPredicates(item, [...at, index], predicates, report));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const record = value as RawRecord;
  if (
    record.op === 'predicate' &&
    typeof record.name === 'string' &&
    !predicates.has(record.name)
  ) {
    report(
      'unknown_predicate',
      [...at, 'name'],
      `The condition calls the predicate "${record.name}", which is not registered.`,
      didYouMean(
        record.name,
        predicates,
        `Register a predicate named "${record.name}" with the runner.`,
      ),
    );
  }
  for (const [key, child] of Object.entries(record)) {
    if (key !== 'left' && key !== 'right' && key !== 'value' && key !== 'args')
      checkPredicates(child, [...at, key], predicates, report);
  }
}

function checkTriggers(
  triggers: RawRecord[],
  options: ValidateWorkflowOptions,
  report: Report,
): void {
  const predicates = options.predicates ? new Set(options.predicates) : undefined;
  triggers.forEach((trigger, index) => {
    if (trigger.type !== 'event') return;
    const filter = asRecord(trigger.configuration).filter;
    const at: Segments = ['triggers', index, 'configuration', 'filter'];
    forEachReference(filter, (reference, keys) => {
      const parsed = parseReferencePath(reference.$ref);
      if (typeof parsed === 'string' || parsed.root !== 'input') {
        report(
          'invalid_reference',
          [...at, ...keys],
          `An event filter reads the event as "input", so "${reference.$ref}" cannot be read here.`,
          'Read the event with "input.<key>…".',
        );
      }
    });
    if (predicates) checkPredicates(filter, at, predicates, report);
  });
}

function checkCycles(graph: StepGraph, report: Report): void {
  const successors = new Map<string, typeof graph.edges>();
  for (const edge of graph.edges) {
    if (edge.to !== END) successors.set(edge.from, [...(successors.get(edge.from) ?? []), edge]);
  }
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const reported = new Set<string>();
  const visit = (id: string) => {
    state.set(id, 'active');
    stack.push(id);
    for (const edge of successors.get(id) ?? []) {
      const status = state.get(edge.to);
      if (status === 'active') {
        const cycle = [...stack.slice(stack.indexOf(edge.to)), edge.to];
        const key = [...new Set(cycle)].sort().join('\u0000');
        if (!reported.has(key)) {
          reported.add(key);
          report(
            'cycle',
            edge.path,
            `Circular reference: ${cycle.join(' -> ')}.`,
            'Remove one of these edges; to repeat work, run it in a new workflow run.',
          );
        }
      } else if (status === undefined) {
        visit(edge.to);
      }
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of graph.nodes) if (!state.has(id)) visit(id);
}

function checkReachability(graph: StepGraph, report: Report): void {
  if (graph.start === END) return;
  const reached = new Set<string>([graph.start]);
  const queue = [graph.start];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    for (const edge of graph.edges) {
      if (edge.from === id && edge.to !== END && !reached.has(edge.to)) {
        reached.add(edge.to);
        queue.push(edge.to);
      }
    }
  }
  for (const id of graph.nodes) {
    if (reached.has(id)) continue;
    const index = graph.indexes.get(id) ?? 0;
    report(
      'unreachable_step',
      ['steps', index],
      `No path from the start ("${graph.start}") reaches the step "${id}".`,
      `Point a next or a decision branch at "${id}", or remove it.`,
    );
  }
}

function asRecord(value: unknown): RawRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as RawRecord)
    : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
