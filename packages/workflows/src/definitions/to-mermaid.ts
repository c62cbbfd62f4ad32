import type { Condition } from './condition.js';
import { describeCondition } from './describe-condition.js';
import { END } from './identifiers.js';
import { toStepGraph, type StepGraphInput } from './step-graph.js';

/**
 * Options of {@link toMermaid}.
 *
 * @example
 * ```ts
 * import { toMermaid, type ToMermaidOptions, type WorkflowDefinition } from '@agentry/workflows';
 *
 * declare const definition: WorkflowDefinition;
 * // Left to right suits a long chain of steps on a wide page.
 * const options: ToMermaidOptions = { direction: 'LR' };
 * console.log(toMermaid(definition, options));
 * ```
 */
export interface ToMermaidOptions {
  /** The flow direction: `TD` (top down, the default) or `LR` (left to right). */
  direction?: 'TD' | 'LR';
}

/**
 * Draws a workflow as a Mermaid flowchart: tasks as boxes (agents as rounded boxes), decisions as
 * diamonds with each branch labelled by its label or condition, parallel steps as a fork hexagon
 * and a join circle around their branches, subgraph steps as double-sided boxes marked with the
 * workflow they run (class `subgraphStep`). Node ids are derived from step ids with every character
 * outside `[A-Za-z0-9_]` escaped, and labels are quoted with `"`, `<`, `>`, `&`, `#` and `|`
 * written as entities, so no step id or name can break or inject into the diagram.
 *
 * @param definition - a definition, or a draft; parts that are not valid are left out
 * @returns the Mermaid source, starting with `flowchart`
 * @example
 * ```ts
 * console.log(toMermaid(definition));
 * // flowchart TD
 * //   workflow_start(("start")) --> step_fetch
 * //   ...
 * ```
 */
export function toMermaid(
  definition: StepGraphInput & { readonly steps: readonly { readonly name?: unknown }[] },
  options: ToMermaidOptions = {},
): string {
  const graph = toStepGraph(definition);
  const lines = [`flowchart ${options.direction ?? 'TD'}`];
  const start = 'workflow_start';
  const end = 'workflow_end';
  lines.push(`  ${start}(("start"))`, `  ${end}(("end"))`);
  const subgraphNodes: string[] = [];

  for (const id of graph.nodes) {
    const step = definition.steps[graph.indexes.get(id) ?? 0] as Record<string, unknown>;
    const configuration = asRecord(step.configuration);
    const label = typeof step.name === 'string' && step.name !== '' ? step.name : id;
    const node = nodeId(id);
    switch (step.type) {
      case 'decision':
        lines.push(`  ${node}{${quote(label)}}`);
        break;
      case 'parallel':
        lines.push(`  ${node}{{${quote(label)}}}`, `  ${joinId(id)}((${quote('join')}))`);
        break;
      case 'subgraph':
        lines.push(`  ${node}[[${quote(`${label} ↳ ${String(configuration.workflowId)}`)}]]`);
        subgraphNodes.push(node);
        break;
      default:
        lines.push(
          Object.hasOwn(configuration, 'agent')
            ? `  ${node}(${quote(label)})`
            : `  ${node}[${quote(label)}]`,
        );
    }
  }

  lines.push(`  ${start} --> ${graph.start === END ? end : nodeId(graph.start)}`);
  // A parallel step leads on through its join node, drawn below, not directly.
  const joinedParallels = new Set(
    graph.edges.flatMap((edge) =>
      edge.kind === 'join' && edge.parallelId !== undefined ? [edge.parallelId] : [],
    ),
  );
  for (const edge of graph.edges) {
    if (edge.kind === 'next' && joinedParallels.has(edge.from)) continue;
    const target = edge.to === END ? end : nodeId(edge.to);
    switch (edge.kind) {
      case 'branch': {
        const step = definition.steps[graph.indexes.get(edge.from) ?? 0] as Record<string, unknown>;
        const branch = asRecord(asArray(asRecord(step.configuration).branches)[edge.branch ?? 0]);
        const text =
          typeof branch.label === 'string'
            ? branch.label
            : (safeDescribe(branch.condition) ?? `branch ${edge.branch ?? 0}`);
        lines.push(`  ${nodeId(edge.from)} -->|${quote(text)}| ${target}`);
        break;
      }
      case 'default':
        lines.push(`  ${nodeId(edge.from)} -->|${quote('default')}| ${target}`);
        break;
      case 'join': {
        const join = joinId(edge.parallelId ?? '');
        lines.push(`  ${nodeId(edge.from)} --> ${join}`);
        break;
      }
      case 'fork':
      case 'next':
        lines.push(`  ${nodeId(edge.from)} --> ${target}`);
        break;
    }
  }
  // Each join node leads once to what follows its parallel step.
  const joined = new Set<string>();
  for (const edge of graph.edges) {
    if (edge.kind !== 'join' || edge.parallelId === undefined || joined.has(edge.parallelId))
      continue;
    joined.add(edge.parallelId);
    lines.push(`  ${joinId(edge.parallelId)} --> ${edge.to === END ? end : nodeId(edge.to)}`);
  }
  if (subgraphNodes.length > 0) {
    lines.push(
      '  classDef subgraphStep stroke-dasharray: 5 3',
      `  class ${subgraphNodes.join(',')} subgraphStep`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function nodeId(stepId: string): string {
  return `step_${escapeId(stepId)}`;
}

function joinId(stepId: string): string {
  return `join_${escapeId(stepId)}`;
}

function escapeId(id: string): string {
  return id.replace(
    /[^A-Za-z0-9]/g,
    (character) => `_${character.codePointAt(0)?.toString(16) ?? '0'}_`,
  );
}

function quote(text: string): string {
  const escaped = text
    .replace(/#/g, '#35;')
    .replace(/&/g, '#38;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/\|/g, '#124;')
    .replace(/[\r\n]+/g, ' ');
  return `"${escaped}"`;
}

function safeDescribe(condition: unknown): string | undefined {
  try {
    return describeCondition(condition as Condition);
  } catch {
    return undefined;
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
