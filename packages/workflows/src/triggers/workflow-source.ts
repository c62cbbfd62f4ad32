import type { WorkflowDefinition } from '../definitions/workflow-definition.js';

/**
 * Anything holding workflow definitions: a list, or a registry's `{ workflows }` by id.
 *
 * @example
 * ```ts
 * import { workflow, type WorkflowCollection } from '@agentry/workflows';
 *
 * // A list of definitions, or a registry (anything with a `workflows` record).
 * const collection: WorkflowCollection = [
 *   workflow('daily-report').trigger({ type: 'manual' }).task('build', { handler: 'report.build' }).build(),
 * ];
 * ```
 */
export type WorkflowCollection =
  | readonly WorkflowDefinition[]
  | {
      /** The definitions by id, as in a `WorkflowRegistry`. */
      readonly workflows: Readonly<Record<string, WorkflowDefinition>>;
    };

/**
 * Where triggers find the workflows they serve: a list of definitions, a `WorkflowRegistry` (or
 * anything with its `workflows` record), or a function returning either. A function is read again
 * whenever the trigger needs the definitions (each webhook request, each event, each
 * `scheduler.start()`), so a registry that is replaced as workflows are registered stays current.
 *
 * @example
 * ```ts
 * let registry = createWorkflowRegistry();
 * const handler = createWebhookHandler({ starter, workflows: () => registry, secrets });
 * registry = registerWorkflow(registry, orderReview); // served from the next request on
 * ```
 */
export type WorkflowSource = WorkflowCollection | (() => WorkflowCollection);

/**
 * The definitions of a {@link WorkflowSource}, as a list.
 *
 * @internal
 */
export function listWorkflows(source: WorkflowSource): readonly WorkflowDefinition[] {
  const collection = typeof source === 'function' ? source() : source;
  if (Array.isArray(collection)) return collection as readonly WorkflowDefinition[];
  return Object.values((collection as { workflows: Record<string, WorkflowDefinition> }).workflows);
}
