import { backoffStrategySchema, retryPolicySchema } from '@agentry/core';
import { z } from 'zod';
import { checkWorkflowRegistry, workflowRegistryShape } from './workflow-registry.js';

/**
 * The `workflows` section of the Agentry configuration: the specification's `WorkflowRegistry`
 * (`workflows` by id, `templates`, `customWorkflows`) plus `defaults` the runner uses where a
 * workflow says nothing:
 *
 * - `store`: the name of the state store runs are journaled in (`memory` unless set; a durable
 *   store such as `sqlite` is registered by its plug-in);
 * - `retryPolicy`: the delays of retries for steps without a policy of their own (their count
 *   comes from the workflow's `errorHandling.retryAttempts`);
 * - `backoffStrategy`: how those delays grow;
 * - `stepTimeout`: how long a step attempt may take when the step sets no `timeout`.
 *
 * Every definition is validated as a whole (with the others as its registry), so a broken
 * workflow is a configuration error with its path, such as `workflows.orders.steps[1].next`.
 *
 * @example
 * ```ts
 * workflowsConfigSchema.parse({
 *   workflows: { greet: greetDefinition },
 *   customWorkflows: true,
 *   defaults: { store: 'sqlite', retryPolicy: { maxAttempts: 3, baseDelay: 500, maxDelay: 10_000, jitter: true } },
 * });
 * ```
 */
export const workflowsConfigSchema = z
  .strictObject({
    ...workflowRegistryShape,
    /** What the runner uses where a workflow says nothing. */
    defaults: z
      .strictObject({
        /** The name of the store runs are journaled in. */
        store: z.string().min(1).default('memory'),
        /** Delays of retries for steps without their own policy. */
        retryPolicy: retryPolicySchema.default({
          maxAttempts: 3,
          baseDelay: 1_000,
          maxDelay: 30_000,
          jitter: true,
        }),
        /** How those delays grow. */
        backoffStrategy: backoffStrategySchema.default('exponential'),
        /** How long a step attempt may take when the step sets no timeout, in milliseconds. */
        stepTimeout: z
          .int({ error: 'stepTimeout must be a positive integer number of milliseconds.' })
          .positive({ error: 'stepTimeout must be a positive integer number of milliseconds.' })
          .optional(),
      })
      .prefault({}),
  })
  .check(checkWorkflowRegistry);

/**
 * The `workflows` section of the configuration; see {@link workflowsConfigSchema}.
 *
 * @example
 * ```ts
 * import type { Agentry } from '@agentry/core';
 * import type { WorkflowsConfig } from '@agentry/workflows';
 *
 * declare const agentry: Agentry; // created with the workflows() plug-in
 * // The validated section, defaults filled in; undefined when the configuration has none.
 * const section: WorkflowsConfig | undefined = agentry.config.workflows;
 * console.log(section?.defaults.store, Object.keys(section?.workflows ?? {}));
 * ```
 */
export type WorkflowsConfig = z.infer<typeof workflowsConfigSchema>;
